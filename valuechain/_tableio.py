"""valuechain's own parquet layout of an IOTable (internal; used by ``IOTable.to_parquet``/``read_parquet``).

One parquet file holds every block::

    _block  _l0      _l1        z0 .. z{n-1}         y0 .. y{k-1}     _x
    "Z"     region   sector     Z row                Y row            x
    "V"     kind     component  V row                VY row (or 0)    NaN
    "F"     name     stressor   extension F row      F_Y row (or 0)   NaN

and the schema metadata key ``valuechain`` a JSON layout (labels, kinds, meta,
tolerances, extensions).  The reader checks every field of the layout against the
data before building anything, so a malformed file is a :class:`ReadError` naming
what is wrong, never a traceback from deep inside pandas.  Format 1 (before kinds)
is still read: its V rows are value added.

This module takes and returns plain pandas blocks; it does not import the table
module (the table calls it), so there is no import cycle.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import ReadError

__all__ = ["write_parquet", "read_parquet"]

FORMAT = "valuechain-iotable-2"
_FORMATS = ("valuechain-iotable-1", FORMAT)


def write_parquet(path: str | Path, *, Z: pd.DataFrame, Y: pd.DataFrame, V: pd.DataFrame, VY: pd.DataFrame | None,
                  x: pd.Series, meta: dict, options: dict, extensions: list[dict] | None = None,
                  force: bool = False) -> Path:
    """Write the blocks to one parquet file, atomically (see the module docstring)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ._files import write_with

    extensions = extensions or []
    n, k = Z.shape[0], Y.shape[1]
    nv = V.shape[0]
    blocks = ["Z"] * n + ["V"] * nv
    l0 = [str(r) for r in Z.index.get_level_values(0)] + [str(c) for c in V.index.get_level_values(0)]
    l1 = [str(s) for s in Z.index.get_level_values(1)] + [str(c) for c in V.index.get_level_values(1)]
    zparts = [Z.to_numpy(), V.to_numpy()]
    yparts = [Y.to_numpy(), VY.to_numpy() if VY is not None else np.zeros((nv, k))]
    ext_layout = []
    for e in extensions:
        F, FY = e["F"], e.get("F_Y")
        blocks += ["F"] * F.shape[0]
        l0 += [str(e["name"])] * F.shape[0]
        l1 += [str(s) for s in F.index]
        zparts.append(F.to_numpy())
        yparts.append(FY.to_numpy() if FY is not None else np.zeros((F.shape[0], k)))
        ext_layout.append({"name": str(e["name"]), "stressors": [str(s) for s in F.index],
                           "unit": e["unit"], "F_Y": FY is not None})
    zv = np.vstack(zparts)
    yv = np.vstack(yparts)
    rows = zv.shape[0]
    cols: dict[str, Any] = {"_block": np.array(blocks, dtype=object), "_l0": np.array(l0, dtype=object),
                            "_l1": np.array(l1, dtype=object)}
    for j in range(n):
        cols[f"z{j}"] = zv[:, j]
    for j in range(k):
        cols[f"y{j}"] = yv[:, j]
    cols["_x"] = np.concatenate([x.to_numpy(), np.full(rows - n, np.nan)])
    layout = {
        "nodes": [[str(a), str(b)] for a, b in Z.index],
        "fd": [[str(a), str(b)] for a, b in Y.columns],
        "va": [[str(a), str(b)] for a, b in V.index],
        "vy": VY is not None,
        "extensions": ext_layout,
        "meta": meta,
        **options,
        "format": FORMAT,
    }
    table = pa.table(cols).replace_schema_metadata({b"valuechain": json.dumps(layout).encode()})
    return write_with(path, lambda tmp: pq.write_table(table, tmp), force=force)


def _pairs(value: Any, what: str, path: Path) -> list[tuple[str, str]]:
    if not isinstance(value, list) or not all(
            isinstance(t, list) and len(t) == 2 and all(isinstance(a, str) for a in t) for t in value):
        raise ReadError(f"{path}: malformed valuechain metadata: '{what}' must be a list of [label, label] pairs.")
    return [tuple(t) for t in value]


def read_parquet(path: str | Path) -> dict[str, Any]:
    """The blocks of a file written by :func:`write_parquet`, as keyword arguments of ``IOTable``.

    The ``extensions`` entry is a list of dicts (name, F, F_Y, unit).
    """
    import pyarrow.parquet as pq

    path = Path(path)
    if not path.exists():
        raise ReadError(f"{path}: no such file.")
    try:
        pf = pq.read_table(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for broken files
        raise ReadError(f"{path}: not a readable parquet file ({type(exc).__name__}).") from None
    md = (pf.schema.metadata or {}).get(b"valuechain")
    if md is None:
        raise ReadError(f"{path}: parquet file has no valuechain table metadata; "
                        "write it with IOTable.to_parquet or read it with datasets.read(format='generic').")
    try:
        layout = json.loads(md)
    except (ValueError, UnicodeDecodeError):
        raise ReadError(f"{path}: malformed valuechain metadata (not JSON).") from None
    if not isinstance(layout, dict):
        raise ReadError(f"{path}: malformed valuechain metadata: expected a JSON object.")
    fmt = layout.get("format")
    if fmt not in _FORMATS:
        raise ReadError(f"{path}: unknown valuechain table format {str(fmt)[:40]!r}; expected one of {_FORMATS}.")
    nodes = _pairs(layout.get("nodes"), "nodes", path)
    fd = _pairs(layout.get("fd"), "fd", path)
    va_raw = layout.get("va")
    if fmt == "valuechain-iotable-1":
        if not isinstance(va_raw, list) or not all(isinstance(c, str) for c in va_raw):
            raise ReadError(f"{path}: malformed valuechain metadata: 'va' must be a list of row names.")
        va = [("value_added", c) for c in va_raw]
    else:
        va = _pairs(va_raw, "va", path)
    exts = layout.get("extensions", [])
    if not isinstance(exts, list) or not all(
            isinstance(e, dict) and isinstance(e.get("name"), str) and isinstance(e.get("stressors"), list)
            and all(isinstance(s, str) for s in e["stressors"]) for e in exts):
        raise ReadError(f"{path}: malformed valuechain metadata: 'extensions' must be a list of "
                        "{name, stressors, unit, F_Y} objects.")
    meta = layout.get("meta", {})
    if not isinstance(meta, dict):
        raise ReadError(f"{path}: malformed valuechain metadata: 'meta' must be an object.")
    options: dict[str, Any] = {}
    for key, kind in (("allow_negative", bool), ("rtol", (int, float)), ("atol", (int, float))):
        if key in layout:
            val = layout[key]
            if not isinstance(val, kind) or (kind is not bool and isinstance(val, bool)):
                raise ReadError(f"{path}: malformed valuechain metadata: {key!r} has the wrong type.")
            options[key] = val

    n, k = len(nodes), len(fd)
    n_ext = sum(len(e["stressors"]) for e in exts)
    expected_rows = n + len(va) + n_ext
    if pf.num_rows != expected_rows:
        raise ReadError(f"{path}: the valuechain layout describes {expected_rows} rows "
                        f"({n} nodes, {len(va)} primary inputs, {n_ext} stressors) but the file has {pf.num_rows}.")
    names = set(pf.column_names)
    missing = [c for c in [f"z{j}" for j in range(n)] + [f"y{j}" for j in range(k)] + ["_x"] if c not in names]
    if missing:
        raise ReadError(f"{path}: the valuechain layout needs column(s) {missing[:5]} which the file lacks.")

    def matrix(prefix: str, count: int) -> np.ndarray:
        if count == 0:
            return np.zeros((expected_rows, 0))
        out = np.empty((expected_rows, count))
        for j in range(count):
            col = pf.column(f"{prefix}{j}")
            try:
                out[:, j] = col.to_numpy(zero_copy_only=False).astype(float)
            except (TypeError, ValueError):
                raise ReadError(f"{path}: column '{prefix}{j}' is not numeric ({col.type}).") from None
        return out

    zmat = matrix("z", n)
    ymat = matrix("y", k)
    try:
        xcol = pf.column("_x").to_numpy(zero_copy_only=False).astype(float)
    except (TypeError, ValueError):
        raise ReadError(f"{path}: column '_x' is not numeric.") from None
    nidx = pd.MultiIndex.from_tuples(nodes, names=["region", "sector"])
    fidx = pd.MultiIndex.from_tuples(fd, names=["region", "category"])
    vidx = pd.MultiIndex.from_tuples(va, names=["kind", "component"])
    nv = len(va)
    out: dict[str, Any] = {
        "Z": pd.DataFrame(zmat[:n], index=nidx, columns=nidx),
        "Y": pd.DataFrame(ymat[:n], index=nidx, columns=fidx),
        "V": pd.DataFrame(zmat[n:n + nv], index=vidx, columns=nidx),
        "VY": pd.DataFrame(ymat[n:n + nv], index=vidx, columns=fidx) if layout.get("vy") else None,
        "x": pd.Series(xcol[:n], index=nidx),
        "meta": meta,
        **options,
    }
    start = n + nv
    ext_out = []
    for e in exts:
        m = len(e["stressors"])
        sidx = pd.Index(e["stressors"], name="stressor")
        ext_out.append({"name": e["name"], "unit": e.get("unit", ""),
                        "F": pd.DataFrame(zmat[start:start + m], index=sidx, columns=nidx),
                        "F_Y": pd.DataFrame(ymat[start:start + m], index=sidx, columns=fidx) if e.get("F_Y") else None})
        start += m
    out["extensions"] = ext_out
    return out
