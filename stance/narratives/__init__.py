"""Narratives inside statements (agent-action-patient), speech acts, blame and victimhood.

:func:`extract_narratives` reads agent-action-patient structures off the dependency parse of each
statement and resolves agents and patients to an entity and a side; :func:`speech_acts` names
the speech act of each statement from its cue and kind; :func:`speech_act_profile` and
:func:`blame_shares` compare sides on them over time, with bootstrap intervals over articles;
:func:`same_events` puts what each side says about one place or group in one week side by side.
"""

from stance.narratives._blame import BLAME_COLUMNS, ROLES, blame_mentions, blame_shares
from stance.narratives._events import EVENT_COLUMNS, same_events
from stance.narratives._extract import cluster_actions, extract_narratives
from stance.narratives._lexicon import SPEECH_ACTS, VIOLENT_VERBS
from stance.narratives._speech import speech_act, speech_act_profile, speech_acts

__all__ = ["BLAME_COLUMNS", "EVENT_COLUMNS", "ROLES", "SPEECH_ACTS", "VIOLENT_VERBS", "blame_mentions",
           "blame_shares", "cluster_actions", "extract_narratives", "same_events", "speech_act",
           "speech_act_profile", "speech_acts"]
