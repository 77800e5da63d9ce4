"""The words that signal attribution in English news and diplomacy (lemmas, lower case).

A cue's class decides what its content may be: a clause ("said that ..."), an object noun phrase
("denied the claim"), a preposition ("accused X of ...", "called for ..."), or the message carried
by a communicative act ("released footage showing ...").
"""

from __future__ import annotations

#: verbs whose content is a clause or a quote ("said that ...", "..., he noted")
CLAUSE_VERBS = frozenset({
    "say", "tell", "add", "note", "state", "claim", "allege", "insist", "stress", "underline",
    "underscore", "emphasize", "emphasise", "argue", "assert", "explain", "write", "tweet",
    "admit", "acknowledge", "suggest", "reply", "answer", "respond", "comment", "recall",
    "remind", "assure", "reveal", "inform", "reiterate", "repeat", "conclude", "complain",
    "indicate", "specify", "clarify", "mention", "observe", "remark", "contend", "maintain",
    "concede", "hint", "predict", "believe", "think", "estimate", "quip", "lament", "signal",
    "highlight", "recount", "describe", "point", "post", "report", "confirm", "deny",
    "announce", "declare", "warn", "threaten", "vow", "pledge", "promise", "swear", "agree",
    "accuse", "charge", "demand", "urge", "hope", "fear", "affirm", "reaffirm", "brief",
    "disclose", "boast", "communicate", "echo", "retort", "counter",
})

#: verbs whose content may also be an object ("denied the claim", "condemned the attack")
OBJECT_VERBS = frozenset({
    "deny", "confirm", "report", "announce", "declare", "condemn", "reject", "refute", "dismiss",
    "denounce", "criticize", "criticise", "blame", "welcome", "hail", "praise", "demand",
    "request", "propose", "reaffirm", "affirm", "accuse", "urge", "call", "appeal", "warn",
    "vow", "pledge", "promise", "threaten", "swear", "express", "voice", "stress", "underline",
    "emphasize", "emphasise", "highlight", "note", "claim", "allege", "repeat", "reiterate",
    "insist", "order", "describe", "slam", "decry", "deplore", "applaud", "endorse", "support",
    "acknowledge", "admit", "predict", "recall", "signal", "charge", "protest",
    "question", "dispute", "contest", "offer", "seek", "ask",
})

#: verbs that need a clause or a prepositional complement, never a bare object, to be statements
#: ("said nothing", "told journalists" alone are not content)
NO_OBJECT_CONTENT = frozenset({"say", "tell", "add", "write", "tweet", "post", "inform",
                               "brief", "ask", "offer", "seek", "support", "order"})

#: verbs whose object must carry a complement to be a message ("declared martial law" is an act
#: of state, "announced the establishment of control over ..." is a statement)
PERFORMATIVE = frozenset({"declare", "announce", "order", "offer", "seek", "ask", "support"})

#: prepositions that carry content after a cue ("accused X of", "called for", "warned of")
CONTENT_PREPS = frozenset({"of", "for", "on", "against", "about", "over", "that", "to"})

#: cues whose statement is an act (a vow, a threat, a warning: "X vowed ...")
ACT_VERBS = frozenset({"vow", "pledge", "promise", "threaten", "swear", "warn", "welcome",
                       "hail", "express", "voice", "applaud"})

#: communicative acts: a verb of publishing and a message noun ("released footage showing ...")
PUBLISH_VERBS = frozenset({"release", "publish", "issue", "post", "share", "upload", "distribute",
                           "circulate", "broadcast", "air", "put", "disseminate", "show",
                           "present", "send", "make", "tweet", "spread", "unveil", "provide"})
MESSAGE_NOUNS = frozenset({"footage", "video", "videos", "statement", "photo", "photos", "image",
                           "images", "picture", "pictures", "map", "recording", "clip",
                           "communique", "communiqué", "declaration", "announcement", "report",
                           "message", "appeal", "address", "letter", "note", "bulletin",
                           "update", "list", "evidence", "proof", "document", "documents",
                           "information", "data", "figures", "tweet", "post", "release",
                           "warning", "ultimatum", "comment", "comments", "remarks", "speech"})

#: nouns naming a document or a report: as a speaker they stand for their issuer
DOCUMENT_NOUNS = frozenset({"statement", "release", "communique", "communiqué", "report",
                            "declaration", "announcement", "information", "data", "word",
                            "words", "message", "letter", "note", "bulletin", "update",
                            "source", "sources", "briefing", "readout", "notice", "decree",
                            "post", "tweet", "account", "page", "channel", "website"})

#: cues by which a speaker denies or rejects their content ("denied that ...", "rejected the
#: claims that ...", "the ministry's denial that ..."): the statement's polarity is ``denied``
DENIAL_CUES = frozenset({"deny", "reject", "refute", "dismiss", "rebut", "dispute", "contest",
                         "disprove", "debunk", "repudiate", "disavow", "denial", "rejection",
                         "refutation", "rebuttal"})

#: first-person subjects: in an authored article (a press release), the issuer speaking
FIRST_PERSON = frozenset({"we", "i"})

#: "according to X", "citing X", "quoting X"
ACCORDING = ("according to",)
CITING_VERBS = frozenset({"cite", "quote"})

#: pronouns that refer back to a speaker, by the kind of speaker they can refer to
PRONOUNS = {
    "he": "person", "she": "person", "him": "person", "her": "person",
    "it": "organisation", "they": "plural", "them": "plural",
}

#: never a speaker: the narrator, expletives, non-referential words
NON_SPEAKERS = frozenset({"i", "we", "you", "one", "there", "this", "that", "which", "who",
                          "what", "these", "those", "everyone", "nobody", "anyone", "something",
                          "reporter", "reporters", "journalist", "journalists", "author",
                          "editor", "editors", "nothing", "details", "detail", "update",
                          "updates", "correction"})

#: head nouns of speakers that are people (for "he"/"she")
PERSON_NOUNS = frozenset({"president", "minister", "spokesman", "spokeswoman", "spokesperson",
                          "adviser", "advisor", "assistant", "aide", "official", "ambassador",
                          "envoy", "leader", "head", "chief", "secretary", "representative",
                          "commander", "general", "premier", "chancellor", "senator", "man",
                          "woman", "officer", "diplomat", "mayor", "governor", "ombudsman",
                          "prosecutor", "deputy", "chairman", "chairperson", "director",
                          "correspondent", "resident", "witness", "eyewitness", "expert"})

#: reciprocal and collective mentions of several parties ("both sides", "each other")
MULTI_PARTY = ("both sides", "both parties", "both countries", "the two sides", "the sides",
               "the parties", "the two countries", "the warring sides", "the warring parties",
               "the two rivals", "the rivals", "each other", "one another", "both")

#: words that make a line a navigation or byline line, never a statement
BOILERPLATE = frozenset({"read more", "other news", "print the page", "more about", "share",
                         "related", "see also", "advertisement", "subscribe", "photo", "©"})

#: cues that mark speech with any subject; the others need a subject that can speak
#: ("International law demands ...", "The footage shows ..." are no statements)
STRONG_CUES = frozenset({"say", "tell", "claim", "deny", "accuse", "allege", "insist", "add",
                         "argue", "write", "state", "stress", "assert", "declare", "announce",
                         "tweet", "reply", "respond", "admit", "acknowledge", "complain",
                         "warn", "urge", "contend", "reiterate", "repeat", "explain", "confirm",
                         "report", "condemn", "reject", "vow", "threaten"})

#: head nouns of subjects that can speak (besides names and personal pronouns)
SPEAKER_NOUNS = PERSON_NOUNS | frozenset({
    "ministry", "government", "army", "force", "forces", "military", "side", "sides", "party",
    "parties", "authority", "authorities", "office", "service", "department", "command", "group",
    "community", "council", "committee", "organization", "organisation", "agency", "embassy",
    "administration", "leadership", "parliament", "assembly", "presidency", "cabinet", "union",
    "alliance", "coalition", "country", "countries", "state", "states", "nation", "republic",
    "region", "people", "residents", "witnesses", "eyewitnesses", "source", "sources", "experts",
    "analysts", "observers", "activists", "doctors", "officials", "troops", "statement",
    "release", "report", "communique", "declaration", "document", "press", "court", "rivals",
    "co-chairs", "chairs", "mediators", "leaders", "interlocutors", "both", "each", "capital",
    "kremlin", "foreign", "defense", "defence", "mission", "delegation", "team", "unit",
    "units", "division", "staff", "spokesmen", "representatives", "ministers", "presidents",
    "opposition", "movement", "website", "channel", "broadcaster", "outlet",
    "newspaper", "media", "bureau", "prosecutor", "ombudsperson", "commissioner", "police",
    "militants", "separatists", "rebels", "volunteers", "soldiers", "victims", "survivors",
    "refugees", "locals", "villagers", "civilians", "citizens", "family", "families", "mother",
    "father", "participants", "members", "member", "chief", "officer", "officers",
    "nominee", "candidate", "company", "campaign", "lawmaker", "lawmakers", "lawyer", "lawyers",
    "attorney", "critic", "critics", "voter", "voters", "judge", "fund", "researcher",
    "researchers", "manager", "moderator", "speechwriter", "economist", "economists", "aide",
    "aides", "adviser", "advisers", "senator", "senators", "politician", "politicians",
    "supporter", "supporters", "opponent", "opponents", "organizer", "organizers", "worker",
    "workers", "student", "students", "teacher", "professor", "scientist", "scientists",
    "executive", "executives", "spokesman", "spokeswoman", "firm", "bank", "democrats", "republicans", "white", "house", "ngo",
    "commission", "board", "panel", "institute", "center", "centre", "foundation",
    "network", "magazine", "poll", "survey", "study", "investigators",
    "prosecutors", "navy", "guard", "president", "premier", "pm",
})
