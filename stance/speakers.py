"""The speaker registry: load and validate ``speakers.yaml``, resolve mentions, roll speakers up.

A registry file has these top-level keys::

    sides:      [{id, label, colour}]                       # colour "#RRGGBB"
    speakers:   [{id, name, side, kind, part_of?, aliases?, patterns?, domains?}]
    exclude:    [regex, ...]                                # optional: mentions that are never speakers
    places:     [{id, name, side, aliases?, patterns?}]     # optional: towns, regions, countries
    groups:     [{id, name, side?, aliases?, patterns?}]    # optional: non-speaking actors, victims
    opponents:  {side: side}                                # optional: whom "the enemy" means

``places`` and ``groups`` are entities that are not speakers (``Stepanakert`` -> nagorno-karabakh,
``civilians``); the narratives of :mod:`stance.narratives` resolve agents and patients through
them. A group may have no side ("civilians"): its side then comes from a place or demonym beside
it ("civilians in Ganja"). ``opponents`` maps a side to the side its own statements call "the
enemy" (``armenia: azerbaijan``).

``domains`` are the issuer's own official web domains (``[mil.am]``): an article whose ``source``
is one of them, or a subdomain of one (``en.mil.am``), is the issuer's own text
(:meth:`Registry.by_domain`; exact, never fuzzy: a news outlet's domain is never an issuer).

``aliases`` are names and name variants (plain strings); ``patterns`` are regular expressions for role
descriptions ("an adviser to Azerbaijan's president"). Both are matched against the *normalised*
mention: lower case, no diacritics, possessives (``'s``, ``’s``, ``s'``) and a leading article
removed, punctuation and hyphens turned into spaces, "defence" spelled "defense", "Ministry of X"
turned into "X Ministry" and "Azeri" into "Azerbaijani". A pattern is therefore written in that form
(``azerbaijan president``, not ``Azerbaijan's President``; case is ignored).

:meth:`Registry.resolve` tries, in order: (1) an exact alias, (2) a pattern matching the whole
mention, (3) every alias and pattern found inside a longer mention, as whole words. In step 3 a
match inside a longer match is dropped, a speaker whose descendant (via ``part_of``) also matched is
dropped ("Armenian Defense Ministry spokeswoman Shushan Stepanyan" is Stepanyan), and of the rest the
best is: not a possessive modifier ("Ilham Aliyev's aide Hikmet Hajiyev" is Hajiyev), an alias before
a pattern, a person before an organisation before a government, then the earlier match (the head of
an apposition comes first: "Hikmet Hajiyev, an adviser to ..."), then the longer one. When the best
candidates belong to different sides and "and"/"with"/"both" joins them ("Putin and Erdogan"), the
mention is ambiguous and resolves to ``None``; mentions matching ``exclude`` resolve to ``None``.
Results are cached per mention string. When nothing matches, a word of at least
``TYPO_MIN_LENGTH`` letters that is a typo of a person's registry surname (one edit: a letter
inserted, dropped, replaced, or two adjacent letters swapped; two edits from ``TYPO_TWO_EDITS``
letters) stands for that surname, when exactly one speaker's surname is that close
("Hovhannsiayn" -> "Hovhannisyan"); short names are never matched fuzzily. A bare surname
("Hovhannisyan") inside a longer mention does not count when a capitalised word the registry does
not know stands right before it (another person of the same family name, e.g. a reporter).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex
import yaml

__all__ = [
    "KINDS",
    "LEVELS",
    "Entity",
    "Registry",
    "RegistryError",
    "Side",
    "Speaker",
    "load_registry",
    "normalize_mention",
    "registry_from_dict",
    "unresolved_mentions",
]

#: allowed values of ``Speaker.kind``
KINDS = ("person", "organisation", "government", "collective", "group")
#: allowed levels of :meth:`Registry.roll_up`
LEVELS = ("person", "organisation", "side")
#: colour of a side the registry does not know
DEFAULT_GREY = "#BBBBBB"

_KIND_RANK = {"person": 0, "organisation": 1, "group": 2, "government": 3, "collective": 4}
_COLOUR_RE = re.compile(r"#[0-9A-Fa-f]{6}")
_SIDE_KEYS = {"id", "label", "colour"}
_SPEAKER_KEYS = {"id", "name", "side", "kind", "part_of", "aliases", "patterns", "domains"}
#: a web domain as ``domains:`` lists it: labels of letters, digits and hyphens, dot-separated
_DOMAIN_RE = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]")
#: shortest surname matched with one typo, and with two ("Hovhannsiayn" for "Hovhannisyan")
TYPO_MIN_LENGTH = 7
TYPO_TWO_EDITS = 11
_SPEAKER_REQUIRED = ("id", "name", "side", "kind")
_ENTITY_KEYS = {"id", "name", "side", "aliases", "patterns"}
#: entity kinds of the optional ``places`` and ``groups`` sections
ENTITY_KINDS = ("place", "group")
_CACHE_LIMIT = 200_000
_MAX_ALIAS_TOKENS = 12
#: words that may stand before a surname in a longer mention ("Prime Minister Pashinyan")
_TITLE_WORDS = frozenset(
    ["president", "prime", "minister", "spokesman", "spokeswoman", "spokesperson", "adviser", "advisor", "aide", "assistant", "leader", "mr", "mrs", "ms", "dr", "general", "colonel", "lieutenant", "representative", "secretary", "chief", "head", "deputy", "foreign", "defense", "ambassador", "envoy", "official", "colonel-general", "said", "told"]
)
_ARTICLES = frozenset({"the", "a", "an"})
#: single-character replacements that NFKD does not handle
_CHAR_MAP = str.maketrans({
    "ı": "i", "ə": "e", "Ə": "E", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss",
    "’": "'", "‘": "'", "`": "'", "´": "'", "‐": "-", "‑": "-", "–": "-", "—": "-",
})
_REWRITES = [
    (re.compile(r"\bdefence\b"), "defense"),
    (re.compile(r"\bazeri\b"), "azerbaijani"),
    (re.compile(r"\bministry of (defense|foreign affairs|internal affairs|emergency situations)\b"),
     lambda m: m.group(1) + " ministry"),
    (re.compile(r"\bforeign affairs ministry\b"), "foreign ministry"),
]
#: words that join two speakers into one mention ("Yerevan and Baku")
_JOINERS = frozenset({"and", "with", "both"})
_SEP = "|"  # token standing for a clause boundary (comma, parenthesis, colon ...)


class RegistryError(ValueError):
    """A registry file is invalid; the message names the file and the entry."""


#: seconds one registry pattern may take on one mention before the run stops with an error
PATTERN_TIMEOUT = 0.1
#: a group holding a quantifier, itself repeated without bound: ``(a+)+``, ``(\w+\s?)*``,
#: ``(?:x|y*){2,}`` (a bounded repeat such as ``( \w+){0,2}`` is allowed)
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*(?<!\\)[+*}](?:[^()\\]|\\.)*\)"
                                r"(?:[+*]|\{\d*,\})")


def compile_pattern(pattern: str, where: str = "<registry>") -> regex.Pattern:
    """Compile a registry pattern with the ``regex`` engine (matched with a timeout).

    A pattern with a repeated group that itself repeats (``(a+)+``) can take exponential time on a
    mention that almost matches, so it is refused here with the reason; anything else that still
    runs longer than :data:`PATTERN_TIMEOUT` on a mention stops the run naming the pattern.

    Examples
    --------
    >>> compile_pattern("azerbaijan president (adviser|aide)").pattern
    'azerbaijan president (adviser|aide)'
    >>> compile_pattern("(a+)+b")
    Traceback (most recent call last):
    ...
    stance.speakers.RegistryError: <registry>: pattern '(a+)+b': a repeated group holds a quantifier ('(a+)+'), which can take exponential time; write it without the nesting, e.g. 'a+'
    """
    nested = _NESTED_QUANTIFIER.search(pattern)
    if nested:
        inner = nested.group(0)
        body = inner[1:inner.rindex(")")]
        hint = f", e.g. {body!r}" if not body.startswith("?") else ""
        raise RegistryError(f"{where}: pattern {pattern!r}: a repeated group holds a quantifier "
                            f"({inner!r}), which can take exponential time; write it without the "
                            f"nesting{hint}")
    try:
        return regex.compile(pattern, regex.IGNORECASE | regex.VERSION0)
    except regex.error as exc:
        raise RegistryError(f"{where}: pattern {pattern!r}: bad regular expression: {exc}"
                            ) from None


def _timed(pattern: regex.Pattern, method: str, text: str, owner: str):
    """``pattern.<method>(text)`` with :data:`PATTERN_TIMEOUT`; a timeout is a RegistryError."""
    try:
        result = getattr(pattern, method)(text, timeout=PATTERN_TIMEOUT)
        return list(result) if method == "finditer" else result
    except TimeoutError:
        raise RegistryError(f"registry pattern {pattern.pattern!r} ({owner}) took more than "
                            f"{PATTERN_TIMEOUT:g} s on the mention {text[:80]!r}: rewrite it "
                            "without nested or overlapping repetition") from None


@dataclass(frozen=True)
class Side:
    """A party to the conflict (or ``other`` / ``unknown``) with its plotting colour."""

    id: str
    label: str
    colour: str


@dataclass(frozen=True)
class Speaker:
    """A canonical speaker: a person, organisation, government, group or collective."""

    id: str
    name: str
    side: str
    part_of: str | None
    kind: str
    aliases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entity:
    """A place or group that is not a speaker (``Stepanakert``, ``civilians``); ``side`` may be
    empty for a group."""

    id: str
    name: str
    side: str
    kind: str
    aliases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


# --------------------------------------------------------------------------- normalisation

def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    text = text.translate(_CHAR_MAP)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?'?|[,;:()\[\]/]")


def _tokens(text: str) -> list[tuple[str, bool, bool]]:
    """Normalised tokens of ``text``, each with two flags: capitalised, possessive (``'s``, ``s'``).

    Clause punctuation becomes the separator token ``|``; other punctuation and hyphens split words.
    """
    text = _strip_accents(text)
    text = re.sub(r"(?<=\b[A-Za-z])\.(?=[A-Za-z]\b)", "", text)  # U.S. -> US, U.N. -> UN
    text = text.replace(".", " ").replace("-", " ")
    out: list[tuple[str, bool, bool]] = []
    for raw in _TOKEN_RE.findall(text):
        if raw in ",;:()[]/":
            if out and out[-1][0] != _SEP:
                out.append((_SEP, False, False))
            continue
        word = raw.lower()
        possessive = word.endswith(("'s", "s'"))
        if word.endswith("'s"):
            word = word[:-2]
        elif word.endswith("s'"):
            word = word[:-1]
        word = word.replace("'", "")
        if word:
            out.append((word, raw[:1].isupper(), possessive))
    while out and out[-1][0] == _SEP:
        out.pop()
    while out and (out[0][0] == _SEP or out[0][0] in _ARTICLES) and len(out) > 1:
        out.pop(0)
    return out


def _rewrite(text: str) -> str:
    for pattern, repl in _REWRITES:
        text = pattern.sub(repl, text)
    return text


def _words(text: str) -> tuple[list[str], list[bool], list[bool]]:
    """Normalised, rewritten words (with ``|`` separators), whether each was capitalised and whether
    it carried a possessive."""
    toks = _tokens(text)
    words = _rewrite(" ".join(t[0] for t in toks)).split()
    if len(words) == len(toks):
        return words, [t[1] for t in toks], [t[2] for t in toks]
    unknown = [False] * len(words)  # a rewrite changed the word count: flags unknown
    return words, unknown, unknown


def normalize_mention(text: str) -> str:
    """The normalised form aliases and patterns are matched against (see the module docstring)."""
    return " ".join(w for w in _words(text)[0] if w != _SEP)


# --------------------------------------------------------------------------- registry

class Registry:
    """Sides and speakers of a corpus, with mention resolution and roll-up.

    Attributes: ``sides`` (id -> :class:`Side`), ``speakers`` (id -> :class:`Speaker`), ``path``
    (the file it was loaded from, or ``None``), ``entities`` (id -> :class:`Entity`: the places
    and groups) and ``opponents`` (side -> the side it calls "the enemy").
    """

    def __init__(self, sides: dict[str, Side], speakers: dict[str, Speaker],
                 path: Path | None = None, exclude: tuple[str, ...] = (),
                 entities: dict[str, Entity] | None = None,
                 opponents: dict[str, str] | None = None) -> None:
        self.sides = dict(sides)
        self.speakers = dict(speakers)
        self.entities = dict(entities or {})
        self.opponents = dict(opponents or {})
        self.path = path
        self.exclude = tuple(exclude)
        self._exclude_re = (compile_pattern("|".join(f"(?:{p})" for p in exclude), "exclude")
                            if exclude else None)
        self._alias: dict[str, str] = {}
        self._alias_tokens: dict[tuple[str, ...], str] = {}
        self._patterns: list[tuple[regex.Pattern, str]] = []
        self._vocab: set[str] = set()
        for sp in self.speakers.values():
            for alias in (sp.name, *sp.aliases):
                key = normalize_mention(alias)
                if key:
                    self._alias.setdefault(key, sp.id)
                    self._alias_tokens.setdefault(tuple(key.split()), sp.id)
                    self._vocab.update(key.split())
            for pat in sp.patterns:
                self._patterns.append((compile_pattern(pat, f"speaker {sp.id!r}"), sp.id))
        self._domains = {d: sp.id for sp in self.speakers.values() for d in sp.domains}
        self._surnames = self._person_surnames()
        self._first_tokens = {k[0] for k in self._alias_tokens}
        self._max_tokens = max((len(k) for k in self._alias_tokens), default=0)
        self._ancestors = {sid: tuple(self._chain(sid)) for sid in self.speakers}
        self._cache: dict[str, str | None] = {}

    @classmethod
    def empty(cls) -> Registry:
        """A registry with no sides and no speakers (every mention resolves to ``None``)."""
        return cls({}, {})

    def __len__(self) -> int:
        return len(self.speakers)

    def __repr__(self) -> str:
        return f"Registry({len(self.sides)} sides, {len(self.speakers)} speakers, path={self.path})"

    # ----------------------------------------------------------------------- structure

    def ancestors(self, speaker_id: str) -> list[str]:
        """The chain of ``part_of`` ids above ``speaker_id``, nearest first."""
        if speaker_id in self._ancestors:
            return list(self._ancestors[speaker_id])
        return self._chain(speaker_id)

    def _chain(self, speaker_id: str) -> list[str]:
        chain: list[str] = []
        current = self._get(speaker_id).part_of
        while current and current not in chain:
            chain.append(current)
            current = self.speakers[current].part_of if current in self.speakers else None
        return chain

    def _get(self, speaker_id: str) -> Speaker:
        try:
            return self.speakers[speaker_id]
        except KeyError:
            raise KeyError(f"unknown speaker id {speaker_id!r}") from None

    def roll_up(self, speaker_id: str, level: str = "organisation") -> str:
        """The id a speaker counts as at ``level``.

        ``person``: the speaker itself. ``organisation``: the speaker itself if it is an
        organisation or a government, else the nearest ``part_of`` ancestor that is one (a person
        or group without such an ancestor stays itself). ``side``: the side id.
        """
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
        sp = self._get(speaker_id)
        if level == "person":
            return sp.id
        if level == "side":
            return sp.side
        for sid in (sp.id, *self.ancestors(sp.id)):
            if self.speakers[sid].kind in ("organisation", "government"):
                return sid
        return sp.id

    def side_of(self, speaker_id: str) -> str:
        """The side id of a speaker."""
        return self._get(speaker_id).side

    def colour(self, side_id: str) -> str:
        """The hex colour of a side; grey for a side the registry does not know."""
        side = self.sides.get(side_id) or self.sides.get("unknown")
        return side.colour if side else DEFAULT_GREY

    def name_of(self, speaker_id: str) -> str:
        """The canonical name of a speaker."""
        return self._get(speaker_id).name

    # ----------------------------------------------------------------------- resolution

    def resolve(self, mention: str) -> Speaker | None:
        """The speaker a mention refers to, or ``None`` (see the module docstring for the rules)."""
        if not isinstance(mention, str) or not mention:
            return None  # also NaN / None from a table
        try:
            sid = self._cache[mention]
        except KeyError:
            sid = self._resolve_id(mention)
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[mention] = sid
        return self.speakers[sid] if sid else None

    def by_domain(self, source: str) -> Speaker | None:
        """The issuer whose ``domains`` hold an article's source, or ``None``.

        ``source`` may be a domain or a URL; the match is exact on the domain or on a subdomain
        of it (``en.mil.am`` for ``mil.am``), case-insensitive, never fuzzy: news outlets are
        not issuers, whatever names their domains contain.

        Examples
        --------
        >>> reg = registry_from_dict({
        ...     "sides": [{"id": "a", "label": "A", "colour": "#000000"}],
        ...     "speakers": [{"id": "mod", "name": "Defense Ministry", "side": "a",
        ...                   "kind": "organisation", "domains": ["mil.am"]}]})
        >>> reg.by_domain("https://en.mil.am/news/1").id
        'mod'
        >>> reg.by_domain("notmil.am") is None
        True
        """
        host = _host(source)
        while host:
            sid = self._domains.get(host)
            if sid is not None:
                return self.speakers[sid]
            host = host.partition(".")[2]
        return None

    def _person_surnames(self) -> dict[str, set[str]]:
        """Long last words of the names and aliases of persons -> their speaker ids."""
        out: dict[str, set[str]] = {}
        for sp in self.speakers.values():
            if sp.kind != "person":
                continue
            for alias in (sp.name, *sp.aliases):
                words = normalize_mention(alias).split()
                if words and len(words[-1]) >= TYPO_MIN_LENGTH and words[-1].isalpha():
                    out.setdefault(words[-1], set()).add(sp.id)
        return out

    def _typo_surname(self, word: str) -> str | None:
        """The registry surname that ``word`` is a typo of (see the module docstring)."""
        if len(word) < TYPO_MIN_LENGTH or not word.isalpha() or word in self._vocab:
            return None
        import jellyfish

        limit = 2 if len(word) >= TYPO_TWO_EDITS else 1
        close = {name for name in self._surnames if abs(len(name) - len(word)) <= limit
                 and name[0] == word[0]
                 and jellyfish.damerau_levenshtein_distance(word, name) <= limit}
        owners = {sid for name in close for sid in self._surnames[name]}
        return close.pop() if len(owners) == 1 else None

    def clear_cache(self) -> None:
        """Forget cached resolutions (after editing ``speakers``, or to time uncached resolution)."""
        self._cache.clear()

    def _resolve_id(self, mention: str) -> str | None:
        if self._exclude_re is not None and _timed(self._exclude_re, "search", mention, "exclude"):
            return None
        words, caps, poss = _words(mention)
        key = " ".join(w for w in words if w != _SEP)
        if not key:
            return None
        if key in self._alias:
            return self._alias[key]
        for pattern, sid in self._patterns:
            if _timed(pattern, "fullmatch", key, f"speaker {sid!r}"):
                return sid
        best = self._best_contained(words, caps, poss, key)
        if best is None and self._surnames:
            fixed = [self._typo_surname(w) if c else None for w, c in zip(words, caps)]
            if any(fixed):
                words = [f or w for f, w in zip(fixed, words)]
                key = " ".join(w for w in words if w != _SEP)
                best = self._alias.get(key) or self._best_contained(words, caps, poss, key)
        return best

    def _best_contained(self, words: list[str], caps: list[bool], poss: list[bool],
                        key: str) -> str | None:
        # candidates: (start, end, sid, is_alias) in token positions of ``words``
        cands: list[tuple[int, int, str, bool]] = []
        n = len(words)
        for i in range(n):
            if words[i] not in self._first_tokens:
                continue
            for j in range(i + 1, min(n, i + self._max_tokens) + 1):
                if words[j - 1] == _SEP:
                    break
                sid = self._alias_tokens.get(tuple(words[i:j]))
                if sid is None:
                    continue
                if j - i == 1 and self.speakers[sid].kind == "person" and i > 0:
                    prev, prev_cap = words[i - 1], caps[i - 1]
                    if prev_cap and prev not in self._vocab and prev not in _TITLE_WORDS:
                        continue  # "Nvard Hovhannisyan": someone else with the surname
                cands.append((i, j, sid, True))
        index: dict[int, int] | None = None
        for pattern, sid in self._patterns:
            for m in _timed(pattern, "finditer", key, f"speaker {sid!r}"):
                if m.end() == m.start():
                    continue
                if (m.start() and key[m.start() - 1] != " ") or (
                        m.end() < len(key) and key[m.end()] != " "):
                    continue  # not whole words
                if index is None:
                    index = _char_to_token(words)
                cands.append((index[m.start()], index[m.end() - 1] + 1, sid, False))
        if not cands:
            return None
        # drop matches strictly inside another match
        cands = [c for c in cands
                 if not any(o[0] <= c[0] and c[1] <= o[1] and (o[1] - o[0]) > (c[1] - c[0])
                            for o in cands)]
        sids = {c[2] for c in cands}
        # drop speakers whose descendant also matched
        covered = {a for s in sids for a in self._ancestors[s]}
        cands = [c for c in cands if c[2] not in covered]

        def rank(c: tuple[int, int, str, bool]) -> tuple:
            sp = self.speakers[c[2]]
            modifier = poss[c[1] - 1]  # "Aliyev's aide Hajiyev": Aliyev only modifies the head
            return (modifier, not c[3], _KIND_RANK.get(sp.kind, 9), c[0], -(c[1] - c[0]), c[2])

        cands.sort(key=rank)
        best = cands[0]
        rivals = [c for c in cands if rank(c)[:3] == rank(best)[:3]]
        if len({self.speakers[c[2]].side for c in rivals}) > 1 and any(
                (c[1] < len(words) and words[c[1]] in _JOINERS) or (c[0] > 0 and words[c[0] - 1] in _JOINERS)
                for c in rivals):
            return None  # "Yerevan and Baku", "Putin with Erdogan": ambiguous
        return best[2]


def _host(source: str) -> str:
    """The lower-case host of a domain or URL ("https://www.Mil.am/x" -> "mil.am")."""
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", str(source or "").strip().lower())
    host = re.split(r"[/?#:]", host, maxsplit=1)[0].strip(".")
    return host.removeprefix("www.")


def _char_to_token(words: list[str]) -> dict[int, int]:
    """Character offset in the separator-free key -> index in ``words``."""
    pos: dict[int, int] = {}
    offset = 0
    for k, w in enumerate(words):
        if w == _SEP:
            continue
        for c in range(offset, offset + len(w) + 1):
            pos[c] = k
        offset += len(w) + 1
    return pos


# --------------------------------------------------------------------------- loading

class _LineLoader(yaml.SafeLoader):
    """A safe loader that records the line of each mapping as ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _strings(value: Any, where: str, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RegistryError(f"{where}: {field!r} must be a list of non-empty strings")
    return tuple(value)


def load_registry(path: str | Path) -> Registry:
    """Load and validate a registry file (or the ``speakers.yaml`` of a corpus folder).

    Raises :class:`RegistryError` naming the file, the entry (and line) and what is wrong.

    Examples
    --------
    >>> from stance.speakers import load_registry
    >>> registry = load_registry("corpora/nagorno-karabakh-2020")
    >>> speaker = registry.resolve("an adviser to Azerbaijan's president")
    >>> speaker.id, speaker.side
    ('hikmet-hajiyev', 'azerbaijan')
    >>> registry.resolve("Baku").id
    'azerbaijan-government'
    >>> registry.roll_up("shushan-stepanyan", "organisation")
    'armenia-defense-ministry'
    """
    path = Path(path)
    if path.is_dir():
        path = path / "speakers.yaml"
    if not path.is_file():
        raise RegistryError(f"{path}: speaker registry not found")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RegistryError(f"{path}:{line}: YAML syntax error: {problem}") from None
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{path}: not UTF-8 text ({exc.reason})") from None
    return registry_from_dict(data, path)


def registry_from_dict(data: Any, path: str | Path | None = None) -> Registry:
    """Build and validate a registry from parsed YAML (see :func:`load_registry`)."""
    src = str(path) if path is not None else "<registry>"
    if not isinstance(data, dict):
        raise RegistryError(f"{src}: expected a mapping with 'sides' and 'speakers'")
    unknown = set(data) - {"sides", "speakers", "exclude", "places", "groups", "opponents",
                           "__line__"}
    if unknown:
        raise RegistryError(f"{src}: unknown top-level keys {sorted(unknown)}; "
                            "expected sides, speakers, exclude, places, groups, opponents")
    sides = _load_sides(data.get("sides"), src)
    speakers = _load_speakers(data.get("speakers"), sides, src)
    exclude = _strings(data.get("exclude"), src, "exclude")
    _check_regexes(exclude, f"{src}: exclude")
    entities = _load_entities(data, sides, set(speakers), src)
    opponents = _load_opponents(data.get("opponents"), sides, src)
    return Registry(sides, speakers, Path(path) if path is not None else None, exclude,
                    entities, opponents)


def _load_entities(data: dict, sides: dict[str, Side], speaker_ids: set[str],
                   src: str) -> dict[str, Entity]:
    """The optional ``places`` (side required) and ``groups`` (side optional) sections."""
    out: dict[str, Entity] = {}
    for key, kind in (("places", "place"), ("groups", "group")):
        if data.get(key) is None:
            continue
        for k, entry in enumerate(_entry_list(data[key], src, key)):
            where = _where(src, kind, entry, k)
            required = ("id", "name", "side") if kind == "place" else ("id", "name")
            _check_keys(entry, _ENTITY_KEYS, required, where)
            eid, side = entry["id"], entry.get("side") or ""
            if eid in out or eid in speaker_ids:
                raise RegistryError(f"{where}: id {eid!r} is already a speaker, place or group")
            if side and side not in sides:
                raise RegistryError(f"{where}: unknown side {side!r}; known: {', '.join(sides)}")
            patterns = _strings(entry.get("patterns"), where, "patterns")
            _check_regexes(patterns, where)
            out[eid] = Entity(eid, entry["name"], side, kind,
                              _strings(entry.get("aliases"), where, "aliases"), patterns)
    return out


def _load_opponents(value: Any, sides: dict[str, Side], src: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RegistryError(f"{src}: 'opponents' must map a side id to a side id")
    out = {}
    for a, b in value.items():
        if a == "__line__":
            continue
        for side in (a, b):
            if side not in sides:
                raise RegistryError(f"{src}: opponents: unknown side {side!r}; "
                                    f"known: {', '.join(sides)}")
        out[str(a)] = str(b)
    return out


def _check_regexes(patterns: tuple[str, ...], where: str) -> None:
    for pat in patterns:
        compile_pattern(pat, where)


def _entry_list(value: Any, src: str, key: str) -> list[dict]:
    if not isinstance(value, list) or not value:
        raise RegistryError(f"{src}: {key!r} must be a non-empty list")
    for k, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise RegistryError(f"{src}: {key} entry {k + 1} must be a mapping, got {entry!r}")
    return value


def _where(src: str, kind: str, entry: dict, k: int) -> str:
    line = entry.get("__line__")
    ident = entry.get("id")
    name = f"{kind} {ident!r}" if ident else f"{kind} entry {k + 1}"
    return f"{src}:{f' line {line}:' if line else ''} {name}"


def _check_keys(entry: dict, allowed: set[str], required: tuple[str, ...], where: str) -> None:
    extra = set(entry) - allowed - {"__line__"}
    if extra:
        raise RegistryError(f"{where}: unknown fields {sorted(extra)}; allowed: {sorted(allowed)}")
    missing = [f for f in required if entry.get(f) in (None, "")]
    if missing:
        raise RegistryError(f"{where}: missing field{'s' if len(missing) > 1 else ''} "
                            f"{', '.join(missing)}")
    for f in required:
        if not isinstance(entry[f], str):
            raise RegistryError(f"{where}: field {f!r} must be a string, got {entry[f]!r}")


def _domains(value: Any, where: str, owner: dict[str, str], sid: str) -> tuple[str, ...]:
    """The ``domains`` of one speaker entry, lower case, each a bare domain owned by one speaker."""
    out = []
    for raw in _strings(value, where, "domains"):
        dom = raw.strip().lower()
        dom = dom.removeprefix("www.")
        if not _DOMAIN_RE.fullmatch(dom):
            raise RegistryError(f"{where}: domain {raw!r} is not a bare web domain "
                                "(write 'mil.am', without https:// or a path)")
        if owner.get(dom, sid) != sid:
            raise RegistryError(f"{where}: domain {raw!r} also belongs to speaker {owner[dom]!r}")
        owner[dom] = sid
        out.append(dom)
    return tuple(out)


def _load_sides(value: Any, src: str) -> dict[str, Side]:
    sides: dict[str, Side] = {}
    for k, entry in enumerate(_entry_list(value, src, "sides")):
        where = _where(src, "side", entry, k)
        _check_keys(entry, _SIDE_KEYS, ("id", "label", "colour"), where)
        if entry["id"] in sides:
            raise RegistryError(f"{where}: duplicate side id {entry['id']!r}")
        if not _COLOUR_RE.fullmatch(entry["colour"]):
            raise RegistryError(f"{where}: bad colour {entry['colour']!r}; expected '#RRGGBB'")
        sides[entry["id"]] = Side(entry["id"], entry["label"], entry["colour"].upper())
    return sides


def _load_speakers(value: Any, sides: dict[str, Side], src: str) -> dict[str, Speaker]:
    speakers: dict[str, Speaker] = {}
    wheres: dict[str, str] = {}
    owner: dict[str, str] = {}
    domain_owner: dict[str, str] = {}
    for k, entry in enumerate(_entry_list(value, src, "speakers")):
        where = _where(src, "speaker", entry, k)
        _check_keys(entry, _SPEAKER_KEYS, _SPEAKER_REQUIRED, where)
        sid = entry["id"]
        if sid in speakers:
            raise RegistryError(f"{where}: duplicate speaker id {sid!r} (first at {wheres[sid]})")
        if entry["side"] not in sides:
            raise RegistryError(f"{where}: unknown side {entry['side']!r}; "
                                f"known: {', '.join(sides)}")
        if entry["kind"] not in KINDS:
            raise RegistryError(f"{where}: unknown kind {entry['kind']!r}; expected one of "
                                f"{', '.join(KINDS)}")
        part_of = entry.get("part_of")
        if part_of is not None and not isinstance(part_of, str):
            raise RegistryError(f"{where}: 'part_of' must be a speaker id, got {part_of!r}")
        aliases = _strings(entry.get("aliases"), where, "aliases")
        patterns = _strings(entry.get("patterns"), where, "patterns")
        _check_regexes(patterns, where)
        domains = _domains(entry.get("domains"), where, domain_owner, sid)
        for alias in (entry["name"], *aliases):
            key = normalize_mention(alias)
            if not key:
                raise RegistryError(f"{where}: alias {alias!r} is empty once normalised")
            other = owner.get(key)
            if other is not None and other != sid:
                raise RegistryError(f"{where}: alias {alias!r} (normalised {key!r}) also belongs "
                                    f"to speaker {other!r} ({wheres[other]})")
            owner[key] = sid
        speakers[sid] = Speaker(sid, entry["name"], entry["side"], part_of or None, entry["kind"],
                                aliases, patterns, domains)
        wheres[sid] = where.split(": ", 1)[-1] if ": " in where else where
    for sid, sp in speakers.items():
        if sp.part_of is not None and sp.part_of not in speakers:
            raise RegistryError(f"{src}: {wheres[sid]}: unknown part_of {sp.part_of!r}")
    for sid, sp in speakers.items():
        seen = [sid]
        current = sp.part_of
        while current is not None:
            if current in seen:
                cycle = " -> ".join([*seen[seen.index(current):], current])
                raise RegistryError(f"{src}: {wheres[sid]}: part_of cycle {cycle}")
            seen.append(current)
            current = speakers[current].part_of
    return speakers


# --------------------------------------------------------------------------- reports

def unresolved_mentions(statements: Any) -> Any:
    """Mentions left without a speaker: columns ``mention``, ``count``, ``example``.

    Mentions are grouped case-insensitively (the most frequent spelling is shown, ties by first
    appearance); ``example`` is the sentence of the first statement with that mention. Rows are
    ordered by count (descending), then mention. Statements with an empty mention are ignored.
    """
    import pandas as pd

    cols = ["mention", "count", "example"]
    if len(statements) == 0:
        return pd.DataFrame(columns=cols)
    for c in ("mention", "speaker"):
        if c not in statements.columns:
            raise ValueError(f"statements table has no column {c!r}")
    example_col = "sentence" if "sentence" in statements.columns else "text"
    df = statements.loc[:, ["mention", "speaker", example_col]].copy()
    df = df.fillna("")
    df = df[(df["speaker"].astype(str) == "") & (df["mention"].astype(str).str.strip() != "")]
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["mention"] = df["mention"].astype(str).str.strip()
    df["_key"] = df["mention"].str.lower()
    df["_order"] = range(len(df))
    rows = []
    for _, group in df.groupby("_key", sort=False):
        spellings = group.groupby("mention", sort=False)["_order"].agg(["size", "min"])
        spellings = spellings.sort_values(["size", "min"], ascending=[False, True])
        first = group.iloc[0]
        rows.append({"mention": spellings.index[0], "count": len(group),
                     "example": str(first[example_col])})
    out = pd.DataFrame(rows, columns=cols)
    out = out.sort_values(["count", "mention"], ascending=[False, True], kind="mergesort")
    return out.reset_index(drop=True)
