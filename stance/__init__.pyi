# Names that stance/__init__.py imports lazily, for editors and type checkers.
from stance import compare as compare
from stance import config as config
from stance import embedding as embedding
from stance import extract as extract
from stance import fetch as fetch
from stance import figures as figures
from stance import frames as frames
from stance import pipeline as pipeline
from stance import read as read
from stance import speakers as speakers
from stance import tables as tables
from stance import targets as targets
from stance.embedding import EmbeddingCache as EmbeddingCache
from stance.embedding import embed as embed
from stance.extract import extract_statements as extract_statements
from stance.frames import FrameModel as FrameModel
from stance.pipeline import run as run
from stance.pipeline import verify as verify
from stance.read import Corpus as Corpus
from stance.read import CorpusError as CorpusError
from stance.read import ReadReport as ReadReport
from stance.read import read_corpus as read_corpus
from stance.read import repair_text as repair_text
from stance.speakers import Registry as Registry
from stance.speakers import load_registry as load_registry
from stance.targets import StanceClassifier as StanceClassifier
from stance.targets import zero_shot_stance as zero_shot_stance

__version__: str
__all__ = [
    "Corpus", "CorpusError", "EmbeddingCache", "FrameModel", "ReadReport", "Registry",
    "StanceClassifier", "compare", "config", "embed", "embedding", "extract", "extract_statements",
    "fetch", "figures", "frames", "load_registry", "pipeline", "read", "read_corpus",
    "repair_text", "run", "speakers", "tables", "targets", "verify", "zero_shot_stance",
]
