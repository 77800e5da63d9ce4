"""Word lists of the narratives stage: violent and accusing actions, event nouns, speech acts.

Every list is a plain frozenset or dict, so that what counts as "violent" or as a "denial" can be
read and changed in one place. Lemmas are spaCy's (``en_core_web_sm``) lower-case lemmas.
"""

from __future__ import annotations

#: verbs of violence and coercion: a narrative with one of these is an act of aggression, its
#: agent the aggressor and its patient the victim
VIOLENT_VERBS = frozenset([
    "attack", "shell", "bomb", "bombard", "strike", "hit", "fire", "shoot", "kill", "murder",
    "massacre", "slaughter", "wound", "injure", "destroy", "target", "invade", "occupy", "seize",
    "capture", "raid", "storm", "assault", "besiege", "blockade", "shoot_down", "launch",
    "violate", "provoke", "terrorize", "terrorise", "burn", "demolish", "damage", "ruin",
    "torture", "deport", "expel", "displace", "advance", "offend",
])

#: event nouns that carry an act of violence on their own ("the Armenian attack on Ganja")
EVENT_NOUNS = frozenset([
    "attack", "shelling", "strike", "airstrike", "bombardment", "bombing", "offensive", "assault",
    "aggression", "provocation", "occupation", "massacre", "genocide", "terror", "terrorism",
    "invasion", "fire", "violation", "crime", "killing", "incursion", "raid", "targeting",
])

#: verbs whose object names the act ("launched an attack", "committed a massacre"): the action
#: is the verb and its object ("launch attack")
LIGHT_VERBS = frozenset([
    "launch", "carry", "conduct", "commit", "open", "unleash", "continue", "resume", "mount",
    "stage", "perpetrate", "start",
])

#: prepositions of the place where an act happened ("killed in Ganja"): a victim without a side
#: of its own takes the side of that place
PLACE_PREPS = frozenset(["in", "on", "at", "near", "inside", "across", "around", "into"])

#: verbs that never make a narrative of their own
SKIP_VERBS = frozenset(["be", "have"])

#: cues that accuse: "X accused Y of shelling Z" -> the accused Y is the agent of shelling
ACCUSING_CUES = frozenset(["accuse", "blame", "charge", "hold", "denounce", "condemn"])

#: prepositions whose object is the patient of an act ("fired at", "attack on", "aggression against")
PATIENT_PREPS = frozenset(["at", "on", "against", "into", "upon", "toward", "towards"])

#: first-person pronouns and possessives: in a speaker's own words they are the speaker's side
FIRST_PERSON = frozenset(["we", "us", "our", "ours", "i", "me", "my"])
#: third-person pronouns: in reported speech ("Baku said it had ...") they are usually the speaker
THIRD_PERSON = frozenset(["it", "its", "he", "his", "she", "her"])
#: words that name "the enemy" (resolved through the registry's ``opponents``)
ENEMY_WORDS = frozenset(["enemy", "enemies", "adversary", "adversaries", "opponent", "opponents", "aggressor"])

#: the speech acts, in the order of the figures
SPEECH_ACTS = ("accuses", "denies", "demands", "threatens", "condemns", "claims", "promises",
               "agrees")

#: cue lemma (first word of the cue, lower case, lemmatised) -> speech act
CUE_ACTS: dict[str, str] = {
    **dict.fromkeys(["accuse", "blame", "charge", "allege"], "accuses"),
    **dict.fromkeys(["deny", "refute", "reject", "dismiss", "rebut"], "denies"),
    **dict.fromkeys(["demand", "call", "urge", "insist", "appeal", "ask", "request", "press"], "demands"),
    **dict.fromkeys(["warn", "threaten"], "threatens"),
    **dict.fromkeys(["condemn", "denounce", "deplore", "criticize", "criticise", "slam"], "condemns"),
    **dict.fromkeys(["promise", "pledge", "guarantee", "assure", "commit", "vow", "swear", "sworn"], "promises"),
    **dict.fromkeys(["agree", "welcome", "support", "endorse", "accept", "reaffirm", "hope"], "agrees"),
}

#: cues whose act the content can turn into a threat ("vowed full support" is a promise, "vowed
#: revenge" a threat)
PROMISE_OR_THREAT = frozenset(["vow", "swear", "sworn"])

#: content patterns for neutral cues ("said", "according to", authored text), tried in order;
#: each is (speech act, regular expression over the lower-cased content)
CONTENT_ACTS: tuple[tuple[str, str], ...] = (
    ("denies", (r"\b(is|are|was|were) (a )?(lie|lies|fake|false|untrue|groundless|baseless)\b|"
               r"\b(deny|denies|denied|refute[sd]?)\b|\bnot true\b|\bno (foreign )?(fighters|"
               r"mercenaries|troops)\b|\bdoes not participate\b|\bthere (is|are) no\b")),
    ("condemns", (r"\bcondemn|\bdenounc|\bdeplor|\bwar crimes?\b|\bgenocide\b|\bstate terror\b|"
                 r"\bterror(ism|ist)?\b|\bbarbar")),
    ("demands", (r"\b(must|should|need to|needs to|have to|has to)\b|\bwe (call|urge|demand)\b|"
                r"\bcall(s|ed)? (on|for|upon)\b|\bdemand")),
    ("threatens", (r"\bwill (pay|be punished|regret|respond|retaliate|destroy)\b|\brevenge\b|"
                  r"\bretaliat|\bresponse will\b|\bsevere response\b|\bred line\b")),
    ("promises", r"\bwill (ensure|guarantee|return|restore|work to|never)\b|\bwe will\b"),
    ("agrees", r"\bwelcome|\bagree(d|ment)? (to|on|with)\b|\bsupport(s|ed)? the\b"),
    ("accuses", (r"\baccus|\bblame|\bresponsib|\bdeliberately\b|\bpurposeful|\bprovocation\b|"
                r"\baggression\b|\bviolat")),
)
