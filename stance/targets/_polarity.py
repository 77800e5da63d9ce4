"""The speaker's position from the content's: a denied statement stands against its content.

The content of a denial is kept as written (``statements.polarity``, :mod:`stance.tables`), so
its embedding places the *content*; :func:`apply_polarity` turns that into the speaker's
position: the target's ``opposites`` of it when corpus.yaml declares one ("denied that Turkish
troops take part": content ``alleges``, speaker ``denies``), else ``"unclear"``; a negated cue
("did not confirm") is ``"unclear"``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from stance.tables import ASSERTED, DENIED, NONE, STANCE_COLUMNS, UNCLEAR
from stance.targets._spec import Target

__all__ = ["apply_polarity", "content_positions"]


def content_positions(positions: Sequence[str], polarities: Sequence[str],
                      target: Target | None) -> list[str | None]:
    """The position of each labelled statement's *content* from the speaker's (the label) and
    the statement's polarity: what a trained model learns, the inverse of
    :func:`apply_polarity`. An asserted statement (or ``"none"``) keeps its label; a denied one
    gets the target's opposite of it, or None (left out of training) when the target declares
    none; a negated one None (its content has no position of its own).

    Examples
    --------
    >>> t = Target("foreign", "Foreign troops?", {"alleges": ("a",), "denies": ("b",)},
    ...            opposites=(("alleges", "denies"),))
    >>> content_positions(["denies", "denies", "alleges"], ["asserted", "denied", "negated"], t)
    ['denies', 'alleges', None]
    """
    opposite = getattr(target, "opposite", lambda _p: None)
    return [p if q in (ASSERTED, "") or p == NONE else (opposite(p) if q == DENIED else None)
            for p, q in zip(positions, polarities, strict=True)]


def apply_polarity(stance: pd.DataFrame, statements: pd.DataFrame,
                   targets: Sequence[Target] = ()) -> pd.DataFrame:
    """The speaker's position from the position of the content (``stance.position``) and the
    statement's ``polarity``.

    An asserted statement keeps its position. A denied one takes the target's opposite of it
    (``opposites:`` in corpus.yaml) or, without one, ``"unclear"`` (denying that Armenia
    shelled a town does not blame Azerbaijan); a negated one (``"did not confirm"``) is
    ``"unclear"``; ``"none"`` stays ``"none"``. Adds ``polarity`` and ``content_position``
    (the position before this step); a statements table without ``polarity`` asserts all.

    Examples
    --------
    >>> import pandas as pd
    >>> t = Target("foreign", "Foreign troops?", {"alleges": ("a",), "denies": ("b",)},
    ...            opposites=(("alleges", "denies"),))
    >>> st = pd.DataFrame({"statement_id": ["s1", "s2"], "polarity": ["asserted", "denied"]})
    >>> zs = pd.DataFrame({"statement_id": ["s1", "s2"], "target": "foreign",
    ...                    "position": ["alleges", "alleges"]})
    >>> apply_polarity(zs, st, [t])["position"].tolist()
    ['alleges', 'denies']
    """
    if "polarity" in statements.columns:
        pol = dict(zip(statements["statement_id"].astype(str),
                       statements["polarity"].fillna("").astype(str), strict=True))
    else:
        pol = {}
    out = stance.copy()
    if "content_position" in out.columns:  # applied before: start again from the content
        out["position"] = out["content_position"]
    polarity = [pol.get(str(sid), "") or ASSERTED for sid in out["statement_id"]]
    by_name = {t.name: t for t in targets}
    speaker = []
    for p, pos, target in zip(polarity, out["position"], out["target"], strict=True):
        if p == ASSERTED or pos == NONE:
            speaker.append(pos)
        elif p == DENIED and target in by_name and by_name[target].opposite(pos):
            speaker.append(by_name[target].opposite(pos))
        else:
            speaker.append(UNCLEAR)
    out["content_position"] = out["position"].astype(str)
    out["position"] = pd.Series(speaker, index=out.index, dtype=object).astype(str)
    out["polarity"] = polarity
    first = [c for c in STANCE_COLUMNS if c in out.columns]
    return out.loc[:, first + [c for c in out.columns if c not in first]]
