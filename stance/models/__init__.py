"""Model files shipped with stance: ``attribution/``, the attribution tagger (see its
MODEL_CARD.md and docs/attribution.md)."""
