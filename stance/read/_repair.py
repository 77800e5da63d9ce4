"""Repair scraping artifacts in article text, with an offset map back to the raw text.

Scrapers lose spaces where paragraphs were joined (``side.Baku``, ``shelters."New``) and where
hyperlinks were stripped (``saiduploading``, ``thatAzerbaijan's``, ``city,whilethe``). Every
repair here *inserts one space*; nothing is deleted or respelled, so the raw text can always be
recovered and every offset of the repaired text maps back (:meth:`Repaired.to_raw`).

The rules, each an :class:`Edit` kind:

``sentence_space``
    ``.``/``!``/``?`` glued to a capitalised word: ``side.Baku`` -> ``side. Baku``, also after a
    number (``1988.The``) or before an all-caps word after a lowercase one (``Iowa.DALLAS``).
    Not after an initial or a dotted abbreviation (``U.S.``, ``e.g.``, ``a.m.``), a listed
    abbreviation (``Mr.``, ``No.``, ``Sept.``), an ellipsis, or before a top-level domain that
    is not an English word (``News.Az``, ``abc.AZ``); decimals (``3.5``) never match.
``quote_space``
    A double quote mark glued on both sides (``shelters."New``, ``areas."Hikmet``), or a closing
    mark glued to an opening one (``born.”“Your``). Whether a glued mark opens or closes is
    decided by pairing the marks of each paragraph: marks with a space on one side have their
    role from context; marks alternate, so an ambiguous one takes its role by counting back
    from the next unambiguous mark (which also gets right a quotation that ran on into a joined
    paragraph and reopens there), or, with none after it, closes an open quotation and
    otherwise opens one. The space goes after a closing mark (``areas." Hikmet``) and before an
    opening one (``shelters. "New``). The glyph (straight or curly) is not trusted: scrapers
    mix them.
``comma_space``
    A comma between two words of at least two letters: ``response,as`` -> ``response, as``.
``segment``
    A glued lowercase token split into words (``saiduploading`` -> ``said uploading``) using the
    unigram and bigram counts of ``wordsegment`` (Google web trillion-word corpus). See
    :func:`segment_token` for the thresholds.
``case_space``
    A lowercase word glued to a capitalised one of four letters or more: ``thatAzerbaijan's`` ->
    ``that Azerbaijan's``. The lowercase part must be a short closed-class word or a common word
    of three letters or more, and the whole token must not be a known word, so ``iPhone``,
    ``eBay``, ``macOS``, ``deGrasse``, ``McDonald`` and ``levelIed`` stay.
``damaged`` (a flag; the text is unchanged)
    A sentence that lost words when link text was removed. Signatures: a complementizer glued
    to the next word (``thatin the city``, ``thatAzerbaijan's``, ``whilethe``) or a preposition
    glued to a function word (``atthe``); or a reporting verb + "that" followed by a fragment
    without a finite verb that starts with a name or a locative/temporal preposition
    (``claimed that Azerbaijan's second city.``, ``reported that in the city.``). The second
    signature survives repair, so re-reading repaired text flags the same sentences.

URLs, e-mail addresses, @handles, #hashtags, domain names (``abc.az``, ``Fineko/abc.az.``) and
anything with a slash are never touched; numbers, times and decimals are not matched by any rule.
Spelling is never corrected (``miltary`` stays): a token within one typing error of a known word
is not segmented unless the segmentation is more probable than that word.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

#: the kinds of :class:`Edit`, repairs first; ``damaged`` is a flag
EDIT_KINDS = ("sentence_space", "quote_space", "comma_space", "segment", "case_space", "damaged")


@dataclass(frozen=True)
class Edit:
    """One repair or flag. ``start``/``end`` index the repaired text, ``raw_start``/``raw_end`` the
    raw text. ``kind`` is e.g. ``sentence_space``, ``segment``, ``comma_space`` or ``damaged``
    (a flag: the text is unchanged by it and the span is the damaged sentence; ``before`` is
    the sentence in the raw text, ``after`` in the repaired text).

    For a repair, ``before`` is the glued token of the raw text (the run of non-space characters
    around the inserted space, ``raw[raw_start:raw_end]``) and ``after`` the same token in the
    repaired text (``text[start:end]``). When one token needs two repairs (``city,whilethe``) both
    edits show the whole token.
    """

    kind: str
    start: int
    end: int
    raw_start: int
    raw_end: int
    before: str
    after: str
    note: str = ""


@dataclass
class Repaired:
    """The repaired text, the raw text it came from, and the edits between them."""

    text: str
    raw: str
    edits: list[Edit] = field(default_factory=list)
    #: sorted (repaired_offset, raw_offset) anchors; between anchors offsets move together
    anchors: list[tuple[int, int]] = field(default_factory=list)

    def to_raw(self, pos: int) -> int:
        """Map an offset in the repaired text to the corresponding offset in the raw text.

        An offset that falls on an inserted space maps to the raw offset where it was inserted
        (the character after it); ``len(text)`` maps to ``len(raw)``. Raises ``ValueError``
        outside ``0..len(text)``.
        """
        if not 0 <= pos <= len(self.text):
            raise ValueError(f"offset {pos} outside the repaired text (0..{len(self.text)})")
        if not self.anchors:
            return pos
        i = bisect.bisect_right(self.anchors, pos, key=_first) - 1
        if i < 0:
            return pos
        rep, raw = self.anchors[i]
        out = raw + (pos - rep)
        if i + 1 < len(self.anchors):
            out = min(out, self.anchors[i + 1][1])
        return min(out, len(self.raw))

    @property
    def damaged(self) -> list[Edit]:
        """The spans flagged as damaged (a clause lost its object where link text was removed)."""
        return [e for e in self.edits if e.kind == "damaged"]

    @property
    def repairs(self) -> list[Edit]:
        """The edits that changed the text (every kind but ``damaged``)."""
        return [e for e in self.edits if e.kind != "damaged"]


def _first(anchor: tuple[int, int]) -> int:
    return anchor[0]


# --------------------------------------------------------------------------------------------
# word statistics
# --------------------------------------------------------------------------------------------

def _words(block: str) -> frozenset[str]:
    """A word list written as a whitespace-separated block."""
    return frozenset(block.split())


#: A lowercase token is a *known word* when it is in wordsegment's vocabulary: the 333,333 most
#: frequent tokens of the Google web trillion-word corpus (count >= 12,711, about 1 in 80 million
#: tokens). Such a token is never split (this keeps typos such as "miltary", also in the list).
#: The parts of a segmentation must be *common words*: count >= COMMON_COUNT (1 in 10 million
#: tokens, the ~100,000 most frequent types), so that rare fragments ("tary", "sakan") never
#: make a split.
COMMON_COUNT = 100_000.0
#: A pair of words "occurs in sequence" when wordsegment's bigram table lists it: count >=
#: 100,000 in the same corpus (the table's own cut-off).
BIGRAM_COUNT = 100_000.0
#: the only one-letter word a split may produce
ONE_LETTER_WORDS = frozenset({"a"})

#: closed-class words (determiners, pronouns, prepositions, conjunctions, complementizers,
#: auxiliaries): a glued token that ends in one, or starts with one that is not also a
#: word-forming prefix (PREFIX_WORDS), is two words and not a compound
FUNCTION_WORDS = _words("""
the a an this that these those his her its their our my your which who whom whose what
and or but nor so yet if whether while because although though since until unless than as
of at from to in on by with about into onto over under for after before during against
between among near via amid across through toward towards within without upon per
is are was were be been has have had will would can could shall should may might must do
does did he she it they we you him them us me not no
""")
#: function words that also form words as prefixes (overpromise, infighter, bylaw, today,
#: withhold, afterthought, upend, outpoll, belittle, forgo, asymmetric, nonunion)
PREFIX_WORDS = _words("""
a an be by for in on over under out up down off with after back through to no not so per
""")
#: reporting verbs: where a speaker attribution was a link, the verb is glued to what follows
#: ("saiduploading")
REPORTING_VERBS = _words("""
said says told tells added noted stated claimed reported wrote tweeted announced alleged
denied confirmed warned insisted declared stressed underlined emphasized emphasised argued
explained revealed acknowledged admitted asserted vowed
""")


@lru_cache(maxsize=1)
def _segmenter():
    """wordsegment's model (unigram and bigram counts), loaded once per process."""
    import wordsegment

    seg = wordsegment.Segmenter()
    seg.load()
    return seg


def _log10_prob(words: list[str]) -> float:
    """log10 probability of a word sequence under wordsegment's model (stupid backoff bigrams)."""
    seg = _segmenter()
    total, prev = 0.0, "<s>"
    for w in words:
        total += math.log10(seg.score(w, prev))
        prev = w
    return total


def _edits1(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away (Norvig)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in letters]
    inserts = [a + c + b for a, b in splits for c in letters]
    return set(deletes + transposes + replaces + inserts)


def is_known_word(token: str) -> bool:
    """True when ``token`` (any case) is in wordsegment's vocabulary (see :data:`COMMON_COUNT`)."""
    return token.lower() in _segmenter().unigrams


def _is_common(word: str) -> bool:
    if len(word) == 1:
        return word in ONE_LETTER_WORDS
    return _segmenter().unigrams.get(word, 0.0) >= COMMON_COUNT


#: A known token that is two function words ("ofthe", "atthe", "inwhich": the web is full of
#: this very artifact, so they are in the vocabulary) is split when the pair occurs in sequence
#: at least GLUE_RATIO times as often as the glued token. The one function-word compound this
#: would split, "cannot", is kept: the corpus's tokenizer split it into "can not", so its
#: counts understate it.
GLUE_RATIO = 1000.0
_TOKENIZER_SPLIT = frozenset({"cannot"})


def _known_glue(token: str) -> list[str] | None:
    """Split a vocabulary token that is overwhelmingly two glued function words, else None."""
    if token in _TOKENIZER_SPLIT:
        return None
    seg = _segmenter()
    count = seg.unigrams[token]
    for i in range(1, len(token)):
        first, second = token[:i], token[i:]
        if (first in FUNCTION_WORDS and second in FUNCTION_WORDS
                and seg.bigrams.get(f"{first} {second}", 0.0) >= GLUE_RATIO * count):
            return [first, second]
    return None


def segment_token(token: str) -> list[str] | None:
    """The two words a glued lowercase token splits into, or None to leave it alone.

    A token is split only when all of these hold:

    1. it is lowercase ASCII letters only and is not a known word (:func:`is_known_word`),
       unless it is two glued function words far more frequent apart (:data:`GLUE_RATIO`);
    2. wordsegment's best segmentation has exactly two parts (one lost space), each a common
       word (count >= :data:`COMMON_COUNT`; the only one-letter word is "a");
    3. the segmentation is more probable than every known word one typing error away from the
       token (noisy channel with equal priors on a lost space and a one-letter typo, which is
       conservative for scraped text, where lost spaces are far more frequent than typos).
       So "misslie" stays (P(missile) >> P(miss lie)) while "thatin" splits
       (P(that in) > P(satin));
    4. the junction looks like two words of running text, not a compound or a derivation
       newer than the vocabulary ("superdelegates", "retweeted", "waterboarding",
       "overpromise", "unpledged"): the pair occurs in sequence in the web corpus (bigram
       count >= :data:`BIGRAM_COUNT`), or the second word is a closed-class word
       (:data:`FUNCTION_WORDS`), or the first is one that is not also a prefix
       (:data:`PREFIX_WORDS`), or the first is a reporting verb (:data:`REPORTING_VERBS`).
    """
    parts = _segment(token)
    return list(parts) if parts else None


@lru_cache(maxsize=1 << 16)
def _segment(token: str) -> tuple[str, ...] | None:
    """Cached :func:`segment_token`."""
    if not token.isascii() or not token.isalpha() or not token.islower() or len(token) < 3:
        return None
    seg = _segmenter()
    if token in seg.unigrams:
        glue = _known_glue(token)
        return tuple(glue) if glue else None
    parts = seg.segment(token)
    if len(parts) != 2 or "".join(parts) != token:
        return None
    first, second = parts
    if not (_is_common(first) and _is_common(second)):
        return None
    score = _log10_prob(parts)
    total = seg.total
    for cand in _edits1(token):
        count = seg.unigrams.get(cand)
        if count is not None and math.log10(count / total) >= score:
            return None
    in_sequence = seg.bigrams.get(f"{first} {second}", 0.0) >= BIGRAM_COUNT
    closed = ((second in FUNCTION_WORDS and len(second) > 1)
              or (first in FUNCTION_WORDS and first not in PREFIX_WORDS)
              or first in REPORTING_VERBS)
    return tuple(parts) if in_sequence or closed else None


# --------------------------------------------------------------------------------------------
# protected spans and word lists
# --------------------------------------------------------------------------------------------

#: top-level domains recognised in domain names (lowercase or all-caps: ``abc.az``, ``ABC.AZ``)
TLDS = ("com", "net", "org", "info", "gov", "edu", "mil", "int", "io", "co", "uk", "ru", "az",
        "am", "ge", "tr", "ir", "fr", "de", "eu", "ua", "kz", "by", "cn", "jp", "in", "us", "lb",
        "pk", "af", "il", "ch", "it", "es", "nl", "be", "pl", "ca", "au", "tv", "me", "news",
        "biz", "online", "org.uk", "co.uk", "com.lb", "su", "tj", "uz", "kg", "tm", "md", "gr")
#: domains that are not English words: a capitalised one after a dot is not a sentence start
#: (``News.Az``); "In", "It", "Am", "Me", "Us", "By", "Be", "News" start sentences
_TLD_NOT_WORDS = frozenset(t for t in TLDS if "." not in t) - {
    "in", "it", "am", "me", "us", "by", "be", "news", "online", "co", "es", "int"}

_TLD_ALT = "|".join(sorted({t for t in TLDS}, key=len, reverse=True)).replace(".", r"\.")
_PROTECTED = re.compile(
    r"(?:https?://|ftp://|www\.)\S+"                          # URLs
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"                          # e-mail addresses
    r"|(?<![\w@#])[@#][\w][\w-]*"                             # @handles, #hashtags
    rf"|(?<![\w.])[A-Za-z0-9][\w-]*(?:\.[\w-]+)*\.(?:{_TLD_ALT})(?![\w-])"   # abc.az
    rf"|(?<![\w.])[A-Za-z0-9][\w-]*(?:\.[\w-]+)*\.(?:{_TLD_ALT.upper()})(?![\w-])"  # ABC.AZ
    r"|\S*[/\\]\S*"                                           # anything with a slash
)

#: abbreviations that take a full stop and are often followed by a capitalised word
ABBREVIATIONS = _words("""
mr mrs ms mx dr prof st sr jr gen col lt maj capt cpt sgt cmdr adm brig gov sen rep pres rev
hon fr messrs mme mlle mt ft no nos vol vols fig figs pp ed eds est approx dept univ inc ltd co
corp bros vs etc al jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur
thurs fri sat sun ave blvd rd art arts sec ch cf ibid op nr tel ref
""")

#: the double quote marks (single quotes double as apostrophes and are left alone)
QUOTE_MARKS = frozenset('"“”„«»‟')

#: characters that glue a quote mark on its left (``areas."``) / that it opens onto (``"New``)
_LEFT_GLUE = frozenset(".,;:!?)]…%")

#: apostrophe-like endings after a mis-encoded apostrophe (``Azerbaijan"s``): not a quote mark
_CONTRACTION_TAILS = ("s", "t", "d", "m", "ll", "re", "ve")

#: complementizers: one glued to the next word signals that the subject of its clause, link
#: text, was removed ("reported thatin the city", "claimed thatAzerbaijan's second city")
GLUE_COMPLEMENTIZERS = _words("""
that whether if because while although though whereas unless
""")
#: prepositions: glued to a function word they lost their object, link text ("fired atthe");
#: glued to a name the link text is still there ("aboutVladimir") and nothing was lost
GLUE_PREPOSITIONS = _words("""
in on at of for from to by with about into onto over under after before during against
between among near across through toward towards without within upon via amid
""")

#: closed-class words accepted as the lowercase half of a ``case_space`` glue even when short
_CASE_PREFIX_SHORT = _words("""
a an the in on at of to by as or if is it be we he and but for nor from that with
""")

#: prepositions that open a locative or temporal phrase: "reported that in the city." lost its
#: clause. (of/to/about/for/with/by are left out: "said that of X", "suggested that to me" are
#: a demonstrative "that" with the complement of the reporting verb.)
_SCENE_PREPOSITIONS = _words("""
in at on from near inside outside during after before within across around along over under
between among since until amid into throughout behind beyond
""")

#: finite verbs (and subject pronouns, which start a clause) for the "fragment without a verb" test
_FINITE = _words("""
is are was were be been am has have had do does did will would can could shall should may might
must i we you he she they it there began broke brought built came chose drew drove fell felt
fled fought found gave got went grew heard held hit kept knew laid led left let lost made meant
met paid put ran rose said saw sent set shot shut sold spoke spent stood struck stole swore took
taught thought threw told understood woke won wore wrote became forgot hid sank shook sought
withdrew spread cut cost hurt quit burst bore beat bit blew bought caught dealt dug fed flew
forbade forgave froze hung lay lit overcame overtook rang rode sang sat slept slid spun stuck
stung swept swam swung tore wept wound
""")


def _protected_mask(raw: str) -> list[bool]:
    mask = [False] * len(raw)
    for m in _PROTECTED.finditer(raw):
        for i in range(m.start(), m.end()):
            mask[i] = True
    return mask


# --------------------------------------------------------------------------------------------
# the rules: each returns {raw offset where a space goes: (kind, note)}
# --------------------------------------------------------------------------------------------

_WORD_BEFORE = re.compile(r"[A-Za-z0-9]+$")
_LETTERS = re.compile(r"[A-Za-z]+")


def _left_token_ok(raw: str, p: int, spaced: dict[int, object] | None = None) -> bool:
    """Can the ``.``/``!``/``?`` at ``p`` end a sentence, judging from the token before it?
    ``spaced`` holds the offsets where a space is already being inserted (a full stop followed
    by one ends a sentence, not a dotted abbreviation)."""
    if p > 0 and raw[p - 1] in ")]":
        return True
    m = _WORD_BEFORE.search(raw, max(0, p - 64), p)     # a bounded look-back: linear time
    if not m:
        return False
    tok = m.group()
    before = raw[m.start() - 1] if m.start() > 0 else " "
    if spaced and m.start() in spaced:
        before = " "
    if tok.isdigit():
        return True                         # "in 1988.The", "10,000.Human" (3.5 never matches)
    if not tok.isalpha():
        return False                        # mixed letters and digits: 07th, v2, COVID19
    if len(tok) == 1:
        return False                        # an initial: "J.", "S." of U.S.
    if before == ".":
        return False                        # a dotted abbreviation: U.S, e.g, a.m
    return tok.lower() not in ABBREVIATIONS


_SENTENCE_GLUE = re.compile(
    r"(?<=[A-Za-z0-9)\]])[.!?](?=(?:[A-Z][a-z]|[AI](?![\w.'’-])|(?P<caps>[A-Z]{2,}(?![a-z]))))")
_HAS_LOWER = re.compile(r"[a-z]")
_ALL_TLDS = frozenset(t for t in TLDS if "." not in t)


def _sentence_rule(raw: str, protected: list[bool]) -> dict[int, tuple[str, str]]:
    out: dict[int, tuple[str, str]] = {}
    for m in _SENTENCE_GLUE.finditer(raw):
        p = m.start()
        if protected[p] or protected[p + 1]:
            continue
        if raw[p] == "." and not _left_token_ok(raw, p, out):
            continue
        if raw[p] in "!?" and not (p > 1 and raw[p - 2 : p].isalpha()):
            continue
        nxt = _LETTERS.match(raw, p + 1)
        if nxt and nxt.group().lower() in _TLD_NOT_WORDS:
            continue                        # News.Az, Trend.Com: a domain, not a sentence
        if m.group("caps"):
            # an all-caps word ("Iowa.DALLAS (AP)"): only after a word with a lowercase letter,
            # and not a domain (abc.AZ) - ABC.AZ, U.S.NAVY stay
            word = _WORD_BEFORE.search(raw, max(0, p - 64), p)
            if (not word or not _HAS_LOWER.search(word.group())
                    or m.group("caps").lower() in _ALL_TLDS):
                continue
        out[p + 1] = ("sentence_space", f"space after {raw[p]!r} between sentences")
    return out


def _quote_roles(raw: str, protected: list[bool]) -> list[tuple[int, str, bool]]:
    """(offset, role "open"/"close", ambiguous) of every double quote mark.

    A mark with a space (or line start, or punctuation after it) on one side has its role from
    its context. A mark glued on both sides is ambiguous; its role comes from pairing: marks
    alternate, so counting back from the next unambiguous mark of the paragraph fixes it (this
    also handles a quotation continued into a joined paragraph, which opens again without
    having closed); with no unambiguous mark after it, it closes an open quotation and
    otherwise opens one. Pairing restarts at each line break.
    """
    marks: list[tuple[int, str | None, int]] = []    # (offset, context role or None, paragraph)
    para = 0
    for i, ch in enumerate(raw):
        if ch == "\n":
            para += 1
            continue
        if ch not in QUOTE_MARKS or protected[i]:
            continue
        prev = raw[i - 1] if i > 0 else " "
        nxt = raw[i + 1] if i + 1 < len(raw) else " "
        if prev.isalpha() and nxt.isalpha():
            tail = _LETTERS.match(raw, i + 1)
            if tail and tail.group().lower() in _CONTRACTION_TAILS:
                continue                    # Azerbaijan"s: a mis-encoded apostrophe
        left = prev.isalnum() or prev in _LEFT_GLUE
        right = nxt.isalnum() or nxt in "(["
        if left and right:
            role = None
        elif right:
            role = "open"
        elif left or nxt in _LEFT_GLUE:
            role = "close"
        else:
            role = ""                       # free-standing: decided by the state
        marks.append((i, role, para))
    roles = []
    inside, current_para = False, -1
    for k, (i, role, p) in enumerate(marks):
        if p != current_para:
            inside, current_para = False, p  # a quotation reopens at each paragraph (news style)
        ambiguous = role is None
        if role is None:
            for d, (_, later, lp) in enumerate(marks[k + 1:], start=1):
                if lp != p:
                    break
                if later:
                    other = "open" if later == "close" else "close"
                    role = other if d % 2 else later
                    break
        if not role:
            role = "close" if inside else "open"
        inside = role == "open"
        roles.append((i, role, ambiguous))
    return roles


def _quote_rule(raw: str, protected: list[bool]) -> dict[int, tuple[str, str]]:
    out: dict[int, tuple[str, str]] = {}
    roles = _quote_roles(raw, protected)
    for (i, role, _), (j, role2, _) in itertools.pairwise(roles):
        opens_word = j + 1 < len(raw) and (raw[j + 1].isalnum() or raw[j + 1] in "([")
        if j == i + 1 and role == "close" and role2 == "open" and opens_word:
            out[j] = ("quote_space", "space between a closing and an opening quote mark")
    for i, role, ambiguous in roles:
        if not ambiguous:
            continue
        if role == "close":
            out[i + 1] = ("quote_space", "space after a closing quote mark")
        else:
            out[i] = ("quote_space", "space before an opening quote mark")
    return out


_COMMA_GLUE = re.compile(r"(?<=[A-Za-z]{2}),(?=[A-Za-z]{2})")


def _comma_rule(raw: str, protected: list[bool]) -> dict[int, tuple[str, str]]:
    return {m.end(): ("comma_space", "space after a comma")
            for m in _COMMA_GLUE.finditer(raw) if not protected[m.start()]}


_LETTER_RUN = re.compile(r"[A-Za-z]+")
_CASE_GLUE = re.compile(r"([a-z]{2,})([A-Z][a-z]{3,})")


def _run_isolated(raw: str, s: int, e: int, allow_possessive: bool) -> bool:
    """Is the letter run ``raw[s:e]`` a whole word (not part of a contraction, compound, domain,
    identifier or number)?"""
    before = raw[s - 1] if s > 0 else " "
    after = raw[e] if e < len(raw) else " "
    if before.isalnum() or before in "'’-_@#/\\&":
        return False
    if before == "." and s > 1 and raw[s - 2].isalnum():
        return False                        # abc.az
    if after in "'’":
        tail = raw[e + 1 : e + 3]
        return allow_possessive and tail[:1] == "s" and not tail[1:2].isalnum()
    if after.isalnum() or after in "-_@/\\&":
        return False
    # a domain or file name (abc.az); a capital after the full stop starts a sentence instead
    return not (after == "." and e + 1 < len(raw)
                and (raw[e + 1].islower() or raw[e + 1].isdigit()))


def _word_rules(raw: str, protected: list[bool]) -> dict[int, tuple[str, str, str, str]]:
    """Glued words; the value carries the words either side of the space (for the damage
    signature)."""
    out: dict[int, tuple[str, str, str, str]] = {}
    for m in _LETTER_RUN.finditer(raw):
        s, e = m.span()
        if any(protected[s:e]):
            continue
        tok = m.group()
        if tok.islower():
            if not _run_isolated(raw, s, e, allow_possessive=False):
                continue
            parts = segment_token(tok)
            if parts:
                out[s + len(parts[0])] = ("segment", f"{tok!r} split into {' '.join(parts)!r}",
                                          parts[0], parts[1])
            continue
        cm = _CASE_GLUE.fullmatch(tok)
        if not cm or not _run_isolated(raw, s, e, allow_possessive=True):
            continue
        low, cap = cm.group(1), cm.group(2)
        if is_known_word(tok):
            continue                        # youtube, linkedin written in camel case
        if not (low in _CASE_PREFIX_SHORT or (len(low) >= 3 and _is_common(low))):
            continue
        out[s + len(low)] = ("case_space", f"{low!r} glued to {cap!r}", low, cap)
        parts = segment_token(low)          # "intheThat": the lowercase part is glued too
        if parts:
            out[s + len(parts[0])] = ("segment", f"{low!r} split into {' '.join(parts)!r}",
                                      parts[0], parts[1])
    return out


# --------------------------------------------------------------------------------------------
# sentences and damage
# --------------------------------------------------------------------------------------------

_BOUNDARY = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of ``text``, stripped of surrounding space: a boundary is
    ``.``/``!``/``?`` (and closing marks) followed by space and a capital or digit, unless the
    full stop ends an abbreviation or initial; a line break always ends a sentence."""
    spans, start = [], 0
    for m in _BOUNDARY.finditer(text):
        if text[m.start()] == "." and not _left_token_ok(text, m.start()):
            continue
        spans.append((start, m.start() + len(m.group().rstrip())))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


_CUE_THAT = re.compile(r"\b([A-Za-z]+)\s+that\s+", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’]*")


def _has_finite_verb(fragment: str) -> bool:
    """Does the clause look finite? Conservative: a listed auxiliary, modal, irregular past or
    subject pronoun, a contraction (n't, 're, 's after a pronoun...), a lowercase word in -ed,
    or a lowercase word in -s (a present-tense verb or a plural noun: either way the sentence
    is not flagged)."""
    for tok in _TOKEN.findall(fragment):
        low = tok.lower().replace("’", "'")
        base, apos, tail = low.partition("'")
        if low in _FINITE or (apos and (tail in ("t", "re", "ll", "ve", "m", "d")
                                        or base in _FINITE)):
            return True
        if tok.islower() and len(tok) >= 4 and low.endswith("ed"):
            return True
        if (tok.islower() and len(tok) >= 3 and low.endswith("s")
                and not low.endswith(("ss", "us", "is"))):
            return True
    return False


def _verbless_that_clause(sentence: str) -> str | None:
    """The note for a sentence where a reporting verb + "that" opens a fragment without a
    finite verb that starts with a name ("claimed that Azerbaijan's second city.") or with a
    locative/temporal preposition ("reported that in the city.")."""
    for m in _CUE_THAT.finditer(sentence):
        if m.group(1).lower() not in REPORTING_VERBS:
            continue
        fragment = sentence[m.end():].rstrip(" .!?\"”’')")
        first = _TOKEN.match(fragment)
        if not first:
            continue
        word = first.group()
        if not (word[0].isupper() or word in _SCENE_PREPOSITIONS):
            continue
        if not _has_finite_verb(fragment):
            return f"{m.group(1)} that + no finite verb: {fragment[:40]!r}"
    return None


def _damage_flags(text: str, raw: str, repaired: Repaired,
                  glue_points: list[tuple[int, str]]) -> list[Edit]:
    """One ``damaged`` edit per sentence with a glued function word or a verbless that-clause.
    ``glue_points`` are (repaired offset of the inserted space, note)."""
    flags = []
    for s, e in sentence_spans(text):
        notes = [note for pos, note in glue_points if s <= pos < e]
        verbless = _verbless_that_clause(text[s:e])
        if verbless:
            notes.append(verbless)
        if notes:
            rs, re_ = repaired.to_raw(s), repaired.to_raw(e)
            flags.append(Edit("damaged", s, e, rs, re_, raw[rs:re_], text[s:e],
                              "; ".join(dict.fromkeys(notes))))
    return flags


# --------------------------------------------------------------------------------------------
# the entry point
# --------------------------------------------------------------------------------------------

def _token_bounds(raw: str, pos: int) -> tuple[int, int]:
    """The run of non-space characters of ``raw`` around the insertion point ``pos``."""
    s = pos
    while s > 0 and not raw[s - 1].isspace():
        s -= 1
    e = pos
    while e < len(raw) and not raw[e].isspace():
        e += 1
    return s, e


def repair_text(raw: str) -> Repaired:
    """Repair scraping artifacts in ``raw``: insert the spaces lost where paragraphs were joined
    and links stripped, and flag sentences damaged by removed link text.

    Returns a :class:`Repaired` whose ``edits`` list every repair and flag (sorted by position)
    and whose :meth:`~Repaired.to_raw` maps any offset of the repaired text back to ``raw``.
    Deterministic; the word statistics load on first use (about a second).

    Examples
    --------
    >>> from stance import repair_text
    >>> fixed = repair_text("the side.Baku said thatAzerbaijan's army")
    >>> fixed.text
    "the side. Baku said that Azerbaijan's army"
    >>> [edit.kind for edit in fixed.edits]
    ['sentence_space', 'damaged', 'case_space']
    >>> fixed.to_raw(len(fixed.text))   # an offset of the repaired text in the raw text
    40
    """
    if not isinstance(raw, str):
        raise TypeError(f"repair_text expects a str, got {type(raw).__name__}")
    if not raw.strip():
        return Repaired(text=raw, raw=raw, edits=[], anchors=[(0, 0)])
    protected = _protected_mask(raw)
    inserts: dict[int, tuple[str, ...]] = {}
    # later rules do not override earlier ones at the same offset
    for rule in (_sentence_rule, _quote_rule, _comma_rule, _word_rules):
        for pos, val in rule(raw, protected).items():
            inserts.setdefault(pos, val)
    points = sorted(inserts)
    pieces, last = [], 0
    anchors: list[tuple[int, int]] = [(0, 0)]
    for k, pos in enumerate(points):
        pieces += [raw[last:pos], " "]
        last = pos
        anchors += [(pos + k, pos), (pos + k + 1, pos)]
    pieces.append(raw[last:])
    text = "".join(pieces)
    repaired = Repaired(text=text, raw=raw, edits=[], anchors=sorted(set(anchors)))

    def to_rep(raw_pos: int) -> int:        # raw offset -> repaired offset (left of insertions)
        return raw_pos + bisect.bisect_left(points, raw_pos)

    edits: list[Edit] = []
    glue_points: list[tuple[int, str]] = []
    for k, pos in enumerate(points):
        kind, note = inserts[pos][:2]
        ts, te = _token_bounds(raw, pos)
        s, e = to_rep(ts), to_rep(te)
        edits.append(Edit(kind, s, e, ts, te, raw[ts:te], text[s:e], note))
        if kind in ("segment", "case_space"):
            left, right = inserts[pos][2], inserts[pos][3]
            if left in GLUE_COMPLEMENTIZERS or (left in GLUE_PREPOSITIONS
                                                and right.lower() in FUNCTION_WORDS):
                glue_points.append((pos + k, f"{left!r} glued to {right!r} (link text removed)"))
    edits += _damage_flags(text, raw, repaired, glue_points)
    edits.sort(key=lambda ed: (ed.start, ed.kind == "damaged", ed.end, ed.kind))
    repaired.edits = edits
    return repaired
