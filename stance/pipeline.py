"""The whole run, from a corpus folder to figures, tables and ``manifest.json``.

``run(path, config=..., out=...)`` reads the corpus, extracts statements, embeds them (with the disk
cache), fits frames, computes the comparisons and draws every figure. Defaults come from the
corpus's ``corpus.yaml``; a config file (YAML) overrides them. Outputs carry no timestamps, so a
re-run with nothing changed writes identical bytes.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from stance.config import PROJECT_ROOT, default_corpus_path

#: the defaults of a run; corpus.yaml, then a config file, then keyword overrides replace them
DEFAULT_CONFIG: dict[str, Any] = {
    "model": None,            # sentence-transformers model name or path; None = all-MiniLM-L6-v2
    "precision": "portable",  # embeddings: portable (same bits on any x86-64 CPU) or fast
    "seed": 0,                # every random choice (bootstrap, permutations, UMAP) derives from it
    "time_bin": "W",          # pandas frequency for comparisons over time
    "level": "speaker",       # grouping for speaker figures: speaker | organisation | side
    "n_boot": 1000,           # bootstrap resamples for intervals
    "n_perm": 999,            # permutations for tests
    "frames": {"reducer": "auto", "clusterer": "auto", "reassign_outliers": True},
    "sides": None,            # the two sides to contrast; None = the two with most statements
    "axes": None,             # frame axes; None = corpus.yaml's (none if it has none); a list,
                              # or the path of another YAML file with an axes section
    "targets": None,          # stance targets; as axes
    "stance_method": "auto",  # stance model of a target with enough hand labels (labels/):
                              # auto | logistic | setfit | zero-shot | cv (stance.targets)
    "figures": "all",         # "all" or a list of figure names
    "formats": ["png", "pdf"],
    "min_statements": 2,      # speakers with fewer attributed statements are left out of figures
    "max_groups": 12,         # at most this many speakers (most statements) in speaker figures
    "max_sides": 4,           # at most this many sides in side figures (configured sides first)
    "speakers": None,         # registry file; None = the corpus's own (none if it has none)
    "workers": 1,             # processes for the partition stages (extract + embed)
    "scheduler": None,        # dask://HOST:PORT: run the partition stages on a Dask cluster
    "partition_size": 200,    # articles per partition (stance.partitions)
}

#: keys of corpus.yaml that set run defaults
CORPUS_KEYS = ("time_bin", "axes", "targets", "model", "precision", "seed", "sides", "level")


def merge(base: dict, override: dict) -> dict:
    """Recursive dict merge: values of ``override`` replace those of ``base``."""
    out = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_config_file(path: str | Path) -> dict:
    """Read a run config (YAML mapping); unknown keys are an error naming the file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a run config must be a YAML mapping of settings")  # noqa: TRY004
    unknown = sorted(set(data) - set(DEFAULT_CONFIG))
    if unknown:
        raise ValueError(f"{path}: unknown settings {unknown}; known: {sorted(DEFAULT_CONFIG)}")
    return data


def resolve_config(corpus_config: dict, config_file: str | Path | None = None,
                   overrides: dict | None = None) -> dict:
    """Defaults, then the corpus's corpus.yaml, then a config file, then ``overrides``."""
    config = merge(DEFAULT_CONFIG, {k: corpus_config[k] for k in CORPUS_KEYS
                                    if corpus_config.get(k) is not None})
    if config_file:
        config = merge(config, load_config_file(config_file))
    return merge(config, overrides or {})


#: suffix of the default output folder of a corpus outside the checkout's ``corpora/``
OUTSIDE_SUFFIX = "-stance-output"


def default_out_dir(corpus_name: str, corpus_path: str | Path | None = None) -> Path:
    """Where a run writes when no ``--out`` is given.

    A corpus under the checkout's ``corpora/`` (the default corpus): ``figures/<corpus name>/`` of
    the checkout. Any other corpus: beside it, ``<corpus folder>-stance-output/`` (for a single
    file ``<file stem>-stance-output/``), never inside the toolkit's checkout, and not inside the
    corpus folder, whose top-level files would be read as articles by the next run. The name is
    made one safe path component (``name: ../../x`` cannot write elsewhere).

    Examples
    --------
    >>> default_out_dir("../../x").name
    'x'
    >>> default_out_dir("x", "/data/ukraine-2022").as_posix()
    '/data/ukraine-2022-stance-output'
    """
    from stance.output import safe_component

    if corpus_path is not None:
        path = Path(corpus_path).resolve()
        if not path.is_relative_to((PROJECT_ROOT / "corpora").resolve()):
            stem = path.stem if path.is_file() else path.name
            return path.parent / f"{safe_component(stem)}{OUTSIDE_SUFFIX}"
    return PROJECT_ROOT / "figures" / safe_component(corpus_name)


def __getattr__(name: str) -> Any:
    # FIGURE_NAMES: the figure names in drawing order (files ``<k>_<name>.<ext>``, k = 1, 2, ...),
    # from the registry, read when asked for so that importing the pipeline does not load
    # matplotlib
    if name == "FIGURE_NAMES":
        from stance.figures import FIGURES

        return tuple(FIGURES)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class RunResult:
    """What a run produced."""

    out: Path
    config: dict
    outputs: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    statements: Any = None
    frames: Any = None
    #: the tables behind the figures (:class:`stance.figures.FigureTables`)
    tables: Any = None


class _Stages:
    """Numbered stage lines ("[3/7] embed: ...") on stdout."""

    def __init__(self, total: int, enabled: bool) -> None:
        import time

        self.total, self.k, self.enabled = total, 0, enabled
        self.clock = time.perf_counter
        self.last = self.clock()

    def __call__(self, text: str) -> None:
        self.k += 1
        now = self.clock()
        if self.enabled:
            print(f"[{self.k}/{self.total}] {text} ({now - self.last:.1f} s)", flush=True)
        self.last = now

    def detail(self, text: str) -> None:
        if self.enabled:
            print(f"      {text}", flush=True)


def _selected_figures(cfg: dict) -> list[str]:
    from stance.figures import FIGURES

    chosen = cfg.get("figures", "all")
    if chosen in (None, "all"):
        return list(FIGURES)
    chosen = [chosen] if isinstance(chosen, str) else list(chosen)
    unknown = [c for c in chosen if c not in FIGURES]
    if unknown:
        raise ValueError(f"config 'figures': unknown figure(s) {unknown}; known: "
                         f"{list(FIGURES)} or 'all'")
    return [n for n in FIGURES if n in chosen]


def _check_config(cfg: dict) -> None:
    from stance.embedding import PRECISIONS

    if cfg["precision"] not in PRECISIONS:
        raise ValueError(f"config 'precision' must be one of {list(PRECISIONS)}, "
                         f"got {cfg['precision']!r}")
    from stance.embedding._backends import is_backend_name

    if is_backend_name(cfg.get("model")) and cfg["precision"] != "fast":
        raise ValueError(f"config 'model': {cfg['model']!r} is an ONNX backend, which has no "
                         "portable (float64) mode; set 'precision: fast' beside it")
    from stance.targets import STANCE_METHODS

    if cfg["stance_method"] not in STANCE_METHODS:
        raise ValueError(f"config 'stance_method' must be one of {list(STANCE_METHODS)}, "
                         f"got {cfg['stance_method']!r}")
    if cfg["level"] not in ("speaker", "organisation", "side"):
        raise ValueError(f"config 'level' must be speaker, organisation or side, "
                         f"got {cfg['level']!r}")
    bad = [f for f in cfg["formats"] if f not in ("png", "pdf", "svg")]
    if bad:
        raise ValueError(f"config 'formats': unsupported {bad}; use png, pdf, svg")
    for key in ("seed", "n_boot", "min_statements", "max_groups", "max_sides", "workers",
                "partition_size"):
        if not isinstance(cfg[key], int) or cfg[key] < 0:
            raise ValueError(f"config {key!r} must be a non-negative integer, got {cfg[key]!r}")
    if cfg["workers"] < 1 or cfg["partition_size"] < 1:
        raise ValueError("config 'workers' and 'partition_size' must be at least 1")
    if cfg["scheduler"] is not None and not str(cfg["scheduler"]).startswith("dask://"):
        raise ValueError(f"config 'scheduler' must be dask://HOST:PORT, got {cfg['scheduler']!r}")
    if cfg["sides"] is not None and (not isinstance(cfg["sides"], list) or len(cfg["sides"]) < 2):
        raise ValueError("config 'sides' must be a list of at least two side ids (or null)")


def _input_files(corpus: Any) -> tuple[Path, list[Path], dict]:
    """(corpus root, input files under it, {name: sha256} of inputs outside it)."""
    from stance.output import sha256_file

    root = corpus.path if corpus.path.is_dir() else corpus.path.parent
    files = {root / rel.split(":")[0] for rel in corpus.report.files_read}
    if corpus.path.is_file():
        files.add(corpus.path)
    outside = {}
    labels = sorted((root / "labels").glob("*.csv")) if (root / "labels").is_dir() else []
    for extra in (root / "corpus.yaml", getattr(corpus.registry, "path", None), *labels):
        if extra is None or not Path(extra).is_file():
            continue
        if Path(extra).resolve().is_relative_to(root.resolve()):
            files.add(Path(extra))
        else:
            outside[f"speakers: {Path(extra).parent.name}/{Path(extra).name}"] = sha256_file(extra)
    return root, sorted(p for p in files if p.is_file()), outside


def _labels_dir(corpus: Any) -> Path | None:
    """``labels/`` of the corpus folder (hand stance labels), if there is one."""
    root = corpus.path if corpus.path.is_dir() else corpus.path.parent
    return root / "labels" if (root / "labels").is_dir() else None


def _own_settings(corpus: Any, cfg: dict, notes: list[str]) -> Any:
    """The registry a run uses: the one the run config names, else the corpus's own, else none.

    Never another corpus's: a corpus without a registry, frame axes or stance targets gets none,
    said in ``notes`` (on screen and in the manifest), and the figures that need them say why."""
    from stance.speakers import load_registry

    for key in ("axes", "targets"):
        if isinstance(cfg.get(key), str):       # taken from another corpus.yaml, on purpose
            cfg[key] = section_from_file(cfg[key], key)
    if cfg.get("speakers"):
        corpus.registry = load_registry(cfg["speakers"])
    elif len(corpus.registry or []) == 0:
        notes.append(f"{corpus.name} has no speaker registry (speakers.yaml): statements keep "
                     "their mentions but get no speaker or side, and the figures by speaker and "
                     "side are drawn as notes. Write one (`stance init`, docs/registry.md) or set "
                     "'speakers' in a run config.")
    for key, what, figure in (("axes", "frame axes", "frame_axes"),
                              ("targets", "stance targets", "stance_by_side")):
        if not cfg.get(key):
            notes.append(f"{corpus.name} has no {what} ('{key}' in corpus.yaml or a run "
                         f"config): {figure} is drawn as a note.")
    return corpus


def section_from_file(path: str | Path, key: str) -> list:
    """The ``key`` section (``axes`` or ``targets``) of another YAML file, such as another corpus's
    corpus.yaml, named in a run config (``axes: corpora/nagorno-karabakh-2020/corpus.yaml``): the
    only way a run uses settings that are not its corpus's own.

    Examples
    --------
    >>> len(section_from_file("corpora/nagorno-karabakh-2020/corpus.yaml", "axes")) >= 2
    True
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"run config {key!r}: {path} not found (give a list of {key}, or "
                                f"the path of a YAML file with a '{key}' section)")
    from stance.read import read_corpus_yaml

    section = read_corpus_yaml(path).get(key)   # a YAML error is a CorpusError naming the line
    if not isinstance(section, list) or not section:
        raise ValueError(f"run config {key!r}: {path} has no '{key}' list")
    return section


def settings_origin(corpus: Any, cfg: dict, config: str | Path | None,
                    overrides: dict | None) -> dict[str, Any]:
    """Where each corpus-specific setting of a run came from (``None``: the run has none).

    Keys: ``corpus_yaml``, ``speakers``, ``axes``, ``targets``; values name a file of the corpus
    (relative to it), the run config file, ``"run overrides"`` or ``None``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> corpus = SimpleNamespace(path=Path("c"), config={}, registry=None)
    >>> settings_origin(corpus, {"axes": None, "targets": None, "speakers": None}, None, None)
    {'corpus_yaml': None, 'speakers': None, 'axes': None, 'targets': None}
    """
    root = corpus.path if corpus.path.is_dir() else corpus.path.parent
    file_cfg = load_config_file(config) if config else {}

    def origin(key: str) -> str | None:
        if (overrides or {}).get(key) is not None:
            return "run overrides"
        if file_cfg.get(key) is not None:
            value = file_cfg[key]
            return f"run config {Path(config).name}" + (f" ({value})" if isinstance(value, str)
                                                         else "")
        return "corpus.yaml" if corpus.config.get(key) else None

    reg_path = getattr(corpus.registry, "path", None)
    if cfg.get("speakers"):
        speakers = origin("speakers") or str(cfg["speakers"])
    elif reg_path is not None and len(corpus.registry or []):
        speakers = _rel_name(Path(reg_path), root)
    else:
        speakers = None
    return {"corpus_yaml": "corpus.yaml" if (root / "corpus.yaml").is_file()
            and corpus.path.is_dir() else None,
            "speakers": speakers,
            "axes": origin("axes") if cfg.get("axes") else None,
            "targets": origin("targets") if cfg.get("targets") else None}


def _rel_name(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return f"{path.parent.name}/{path.name}"


def read_summary(report: Any) -> dict[str, Any]:
    """The reader's report as plain data for the manifest: files read, skipped inputs (path and
    reason) and warnings (path and message), in the order they were met.

    Examples
    --------
    >>> from stance.read._corpus import ReadReport
    >>> report = ReadReport(files_read=["a.txt"], skipped=[("b.txt", "empty file")])
    >>> read_summary(report)["skipped"]
    [{'path': 'b.txt', 'reason': 'empty file'}]
    """
    return {"files_read": len(report.files_read),
            "skipped": [{"path": p, "reason": r} for p, r in report.skipped],
            "warnings": [{"path": p, "message": m} for p, m in report.warnings]}


def _print_read_report(report: Any, stage: _Stages, shown: int = 10) -> None:
    """Skipped inputs and warnings on screen: the first ``shown`` of each and how many more."""
    for label, items in (("skipped", report.skipped), ("warning", report.warnings)):
        for where, why in items[:shown]:
            stage.detail(f"{label} {where}: {why}")
        if len(items) > shown:
            stage.detail(f"... {len(items) - shown} more {label} (all in manifest.json)")


def _frames(statements: pd.DataFrame, vectors: np.ndarray, cfg: dict, notes: list[str],
            registry: Any = None):
    """(statements with a frame column, frames table, method) or a single frame for < 2 rows.
    Frame keywords leave out the registry's party names (``FrameModel(mask_terms=registry)``)
    unless the config's ``frames`` section sets ``mask_terms`` itself."""
    from stance.frames import FrameModel

    if len(statements) < 2:
        notes.append(f"{len(statements)} statement(s): too few to find frames; all in frame 0.")
        frames = pd.DataFrame({"frame": [0] * bool(len(statements)),
                               "label": ["all statements"] * bool(len(statements))})
        return statements.assign(frame=0), frames, "too few statements for frames"
    params = {"mask_terms": registry, **(cfg.get("frames") or {})}
    model = FrameModel(**params, random_state=cfg["seed"])
    model.fit(statements, vectors)
    return model.statements_, model.frames_, model.method_


def _recorded_path(path: Path) -> str:
    """A corpus path as the manifest records it: relative to the checkout when inside it."""
    try:
        return Path(path).resolve().relative_to(PROJECT_ROOT.resolve()).as_posix()
    except ValueError:
        return Path(path).resolve().as_posix()


def _quiet_model_loading() -> None:
    """No "Loading weights" progress bars from transformers (``stance run --quiet``)."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover - a dependency of sentence-transformers
        return
    hf_logging.disable_progress_bar()


def _previous_run(out_dir: Path, cfg: dict, stage: _Stages) -> RunResult:
    """The result of the last run into ``out_dir``, read back (nothing changed since)."""
    import json

    from stance.manifest import MANIFEST_NAME

    manifest = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    stage.detail("nothing changed since the last run into this folder (same inputs, settings, "
                 "model, code and packages; outputs verified against manifest.json): "
                 "no stage recomputed")
    outputs = [out_dir / rel for rel in sorted(manifest.get("outputs", {}))]
    outputs.append(out_dir / MANIFEST_NAME)

    def table(name: str) -> pd.DataFrame | None:
        path = out_dir / f"{name}.parquet"
        return pd.read_parquet(path) if path.is_file() else None

    return RunResult(out=out_dir, config=cfg, outputs=outputs,
                     notes=list(manifest.get("notes", [])), statements=table("statements"),
                     frames=table("frames"))


def run(path: str | Path | None = None, *, config: str | Path | None = None,
        out: str | Path | None = None, overrides: dict | None = None,
        progress: bool = True, nlp: Any = None, model: Any = None,
        cache_dir: str | Path | None = None, client: Any = None) -> RunResult:
    """Run the whole analysis on the corpus at ``path`` (default: the default corpus).

    Stages: read -> extract statements -> embed (disk cache) -> fit frames -> comparisons ->
    figures -> manifest. Writes into ``out`` (default ``figures/<corpus name>/``):
    ``statements.csv/.parquet``, ``frames.csv/.parquet``, for each figure ``<k>_<name>.png/.pdf``
    and the table behind it ``<k>_<name>.csv``, and ``manifest.json``. ``nlp`` and ``model``
    take already loaded spaCy / sentence-transformers objects (tests, notebooks); ``cache_dir``
    is the embedding cache folder. Extraction and embedding run a partition of articles at a
    time (``stance.partitions``: resumable, ``workers`` processes, or a Dask cluster given as
    ``scheduler: dask://HOST:PORT`` or as a connected ``dask.distributed.Client`` in ``client``).
    A re-run with nothing changed into the same folder recomputes nothing (``stance.runmemo``).

    Examples
    --------
    >>> import tempfile
    >>> import stance
    >>> out = tempfile.mkdtemp()
    >>> result = stance.run("corpora/nagorno-karabakh-2020", out=out, progress=False,
    ...                     overrides={"figures": ["frame_shares_by_speaker"], "formats": ["png"]})
    >>> sorted(path.name for path in result.outputs)[:2]
    ['2_frame_shares_by_speaker.csv', '2_frame_shares_by_speaker.png']
    """
    from stance import runmemo
    from stance.embedding._cache import EmbeddingCache
    from stance.embedding._embed import model_fingerprint
    from stance.output import StagedOutput, check_writable
    from stance.read._corpus import read_corpus

    stage = _Stages(8, progress)
    corpus = read_corpus(path if path is not None else default_corpus_path())
    cfg = resolve_config(corpus.config, config, overrides)
    _check_config(cfg)
    names = _selected_figures(cfg)
    out_dir = Path(out) if out else default_out_dir(corpus.name, corpus.path)
    arts = corpus.articles
    if not len(arts):
        _print_read_report(corpus.report, _Stages(0, True))
        raise ValueError(f"{corpus.path}: no articles to analyse ({len(corpus.report.skipped)} "
                         f"input(s) skipped, {len(corpus.report.warnings)} warning(s) above); "
                         "expected article files under articles/ (docs/bad-input.md)")
    # a model spec (None, name, folder) or a loaded model; a loaded spaCy pipeline cannot be
    # fingerprinted, so such runs are never skipped
    fingerprint = model_fingerprint(model if model is not None else cfg["model"],
                                    cache=EmbeddingCache(cache_dir))
    memo_key = (runmemo.run_key(corpus.path, cfg, model_fp=fingerprint, config_file=config)
                if nlp is None else None)
    if memo_key is not None and runmemo.up_to_date(out_dir, memo_key, cache_dir):
        stage(f"read: {len(arts)} articles from {corpus.path}")
        return _previous_run(out_dir, cfg, stage)
    # fail before any computing when the results or the embeddings could not be written
    staged = StagedOutput(out_dir)
    check_writable(EmbeddingCache(cache_dir).dir, "embedding cache folder (STANCE_CACHE_DIR)")
    span = f", {arts['date'].min():%Y-%m-%d} to {arts['date'].max():%Y-%m-%d}"
    report = corpus.report
    stage(f"read: {len(arts)} articles from {corpus.path}{span}; {len(report.files_read)} "
          f"input files read, {len(report.skipped)} skipped, {len(report.warnings)} warnings")
    _print_read_report(report, stage)
    notes: list[str] = []
    corpus = _own_settings(corpus, cfg, notes)
    for note in notes:
        stage.detail(note)
    try:
        result = _compute_and_write(corpus, cfg, names, staged.dir, stage, notes, config=config,
                                    overrides=overrides, progress=progress, nlp=nlp,
                                    model=model, cache_dir=cache_dir, client=client)
    except BaseException:
        staged.abort()
        raise
    result.outputs = staged.commit()
    result.out = out_dir
    if memo_key is not None:
        runmemo.remember(out_dir, memo_key, cache_dir)
    for kept in staged.kept:
        stage.detail(f"kept {kept}")
    stage(f"manifest: {len(result.outputs)} files written, manifest.json in {out_dir}")
    for note in notes:
        stage.detail(f"note: {note}")
    return result


def _compute_and_write(corpus: Any, cfg: dict, names: list[str], out_dir: Path, stage: _Stages,
                       notes: list[str], *, config: str | Path | None, overrides: dict | None,
                       progress: bool, nlp: Any, model: Any,
                       cache_dir: str | Path | None, client: Any = None) -> RunResult:
    """Every stage after reading, writing into ``out_dir`` (the run's staging folder)."""
    from stance import runmemo
    from stance import tables as T
    from stance.embedding._cache import EmbeddingCache
    from stance.embedding._embed import embed, model_fingerprint
    from stance.figures import Settings, figure_tables
    from stance.manifest import write_manifest
    from stance.output import save_figure, write_table
    from stance.partitions import extract_and_embed

    arts = corpus.articles

    if not progress:
        _quiet_model_loading()
    # a model spec (None, name, folder) or a loaded model: embed() loads it only when a text is
    # missing from the cache, so a re-run with nothing changed never loads it
    st_model = model if model is not None else cfg["model"]
    fingerprint = model_fingerprint(st_model, cache=EmbeddingCache(cache_dir))
    statements = extract_and_embed(corpus, model=st_model, cache_dir=cache_dir, nlp=nlp,
                                   partition_size=cfg["partition_size"],
                                   workers=cfg["workers"], scheduler=cfg["scheduler"],
                                   client=client, precision=cfg["precision"],
                                   progress=None if progress else False, report=stage.detail)
    statements = T.normalize_statements(statements)
    resolved = int((statements["speaker"] != "").sum())
    stage(f"extract: {len(statements)} statements, {resolved} with a resolved speaker")
    if len(statements):
        vectors = embed(statements, st_model, cache_dir=cache_dir,
                        progress=None if progress else False, precision=cfg["precision"])
    else:
        vectors = np.zeros((0, 1), dtype=np.float32)
    stage(f"embed: {vectors.shape[0]} vectors of dimension {vectors.shape[1]} "
          f"(model {fingerprint[:12]}, {cfg['precision']} precision)")

    framed, frames, method = _frames(statements, vectors, cfg, notes, corpus.registry)
    stage(f"frames: {len(frames)} frames. {method}")

    axes = cfg["axes"]
    settings = Settings(seed=cfg["seed"], time_bin=cfg["time_bin"], level=cfg["level"],
                        n_boot=cfg["n_boot"], sides=cfg["sides"], axes=axes,
                        max_groups=cfg["max_groups"], max_sides=cfg["max_sides"],
                        min_statements=cfg["min_statements"], targets=cfg["targets"],
                        labels_dir=_labels_dir(corpus), stance_method=cfg["stance_method"])

    def embed_fn(texts: list[str]) -> np.ndarray:
        return embed(list(texts), st_model, cache_dir=cache_dir, progress=False,
                     precision=cfg["precision"])

    from stance.narratives import extract_narratives, speech_acts

    narratives = extract_narratives(statements, corpus, nlp=nlp, embed_fn=embed_fn,
                                    cache_dir=cache_dir, progress=None if progress else False)
    stage(f"narratives: {len(narratives)} agent-action-patient structures in "
          f"{narratives['statement_id'].nunique()} statements, "
          f"{int(narratives['violent'].sum())} violent")
    tables = figure_tables(framed, vectors, frames, corpus.registry, settings,
                           embed_fn=embed_fn, names=names,
                           progress=(lambda n: stage.detail(f"comparing: {n}"))
                           if progress else None, narratives=narratives)
    stage(f"compare: the tables of {len(names)} figures")
    written: list[Path] = []
    written += write_table(framed, out_dir / "statements")
    written += write_table(frames, out_dir / "frames")
    written += write_table(narratives, out_dir / "narratives")
    acts = speech_acts(statements, narratives)
    written += write_table(acts[["statement_id", "speaker", "side", "cue", "kind",
                                 "speech_act", "speech_act_basis"]], out_dir / "speech_acts")
    if tables.statement_stance is not None:
        written += write_table(tables.statement_stance, out_dir / "statement_stance")
    from stance.figures import FIGURES
    from stance.figures._style import close, note_figure

    for k, name in enumerate(FIGURES, start=1):
        if name not in names:
            continue
        notes.extend(f"{name}: {note}" for note in tables.notes(name))
        written += write_table(tables[name], out_dir / f"{k}_{name}", formats=("csv",))
        try:
            fig = tables.plot(name, corpus.registry)
        except ValueError as exc:   # a figure that cannot be drawn must not stop the run
            notes.append(f"{name}: not drawn: {exc}")
            fig = note_figure(name.replace("_", " ").capitalize(), f"Not drawn: {exc}")
        written += save_figure(fig, out_dir / f"{k}_{name}", formats=cfg["formats"])
        close(fig)
    stage(f"figures: {len(names)} figures ({', '.join(cfg['formats'])})")
    root, inputs, outside = _input_files(corpus)
    from stance._runtime import runtime_report

    extra = {
        "corpus": corpus.name,
        "corpus_path": _recorded_path(corpus.path),
        "model_fingerprint": fingerprint,
        "precision": cfg["precision"],
        "runtime": runtime_report(),
        "seeds": {"seed": cfg["seed"], "frames_random_state": cfg["seed"],
                  "umap_random_state": cfg["seed"], "bootstrap_seed": cfg["seed"]},
        "frames_method": method,
        "counts": {"articles": len(arts), "statements": len(statements),
                   "resolved_statements": resolved, "frames": len(frames)},
        "notes": notes,
        "read": read_summary(corpus.report),
        "settings": settings_origin(corpus, cfg, config, overrides),
    }
    if outside:
        extra["inputs_outside_corpus"] = outside
    if config:
        from stance.output import sha256_file

        extra["config_file"] = {"name": Path(config).name, "sha256": sha256_file(config)}
    written.append(write_manifest(out_dir, inputs=inputs, input_root=root,
                                  config=runmemo.results_config(cfg), extra=extra))
    return RunResult(out=out_dir, config=cfg, outputs=written, notes=notes,
                     statements=framed, frames=frames, tables=tables)


def verify(out: str | Path | None = None):
    """Re-hash a run's outputs against its manifest (``stance.manifest.verify_outputs``).

    Examples
    --------
    The committed figures of the default corpus match their manifest:

    >>> import stance
    >>> check = stance.verify("figures/nagorno-karabakh-2020")
    >>> check.changed, check.missing, check.unlisted
    ([], [], [])
    """
    from stance.config import default_corpus_path as _default
    from stance.manifest import verify_outputs

    return verify_outputs(out if out is not None else default_out_dir(_default().name,
                                                                       _default()))
