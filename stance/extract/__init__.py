"""Speaker-attributed statements from article text: quotes, reported speech, acts, authored text.

:func:`extract_statements` parses each article with spaCy (:func:`load_nlp`, in batches)
and applies rules over the dependency parse:

- direct quotes with any quote marks, the cue before, after or in the middle, and quotation blocks
  that continue the previous speaker (:mod:`stance.extract._direct`);
- reported speech with a broad cue lexicon, where the content is the reported clause only, and
  "according to X" (:mod:`stance.extract._rules`);
- communicative acts ("released footage showing ...");
- headlines that attribute ("Hajiyev: ...", "..., says X"), flagged ``headline``;
- reprinted statements ("X said in a statement:", "According to X:", "Full text:" and the
  paragraphs after), sentence by sentence, flagged ``block`` (:mod:`stance.extract._blocks`);
- authored text: in an article whose author is known, its own sentences;

then resolves each speaker mention through the registry with coreference
(:mod:`stance.extract._coref`). The method is a rule-based attribution system in the tradition of
quotation extractors over dependency parses (e.g. textacy's ``direct_quotations``), extended to
indirect speech, acts and coreference.
"""

from __future__ import annotations

from stance.extract._evaluate import greedy_match, load_gold, score_statements
from stance.extract._extract import extract_article, extract_statements, segments
from stance.extract._nlp import load_nlp
from stance.extract._quotes import Quote, find_quotes

__all__ = ["Quote", "extract_article", "extract_statements", "find_quotes", "greedy_match",
           "load_gold", "load_nlp", "score_statements", "segments"]
