"""Eora26: the basic-price text files of the Eora 26-sector MRIO.

One folder (or zip archive) per year holds tab-separated numeric matrices
without labels and separate label files::

    Eora26_2015_bp_T.txt    intermediate flows, (190 x 26) x (190 x 26)
    Eora26_2015_bp_FD.txt   final demand, (190 x 26) x (190 x 6)
    Eora26_2015_bp_VA.txt   primary inputs, 6 x (190 x 26)
    labels_T.txt            country name, ISO3 code, "Industries", sector name (one line per T row)
    labels_FD.txt           country name, ISO3 code, "Final Demand", category name
    labels_VA.txt           "Primary input", component name

The last country code, ``ROW``, is a statistical-discrepancy account (one
node and one final-demand block).  By default it is folded into the table so
the accounts still close: its row becomes a primary-input row
``("other", "statistical discrepancy (ROW)")`` and each node's sales to it a
domestic final-demand column ``(region, "statistical discrepancy")`` of the node's
own region.  The other primary inputs (compensation, taxes and subsidies on
production, operating surplus, mixed income, consumption of fixed capital) are
value added.
Values are thousands of current US dollars (``meta.unit = "USD thousand"``).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from ..errors import ReadError
from ..table import IOTable
from ._parse import build_table, read_labelled_csv, sniff_year

__all__ = ["read_eora26"]

_DISCREPANCY = "ROW"


def _find(path: Path, year: int | None, price: str) -> tuple[Path, dict[str, str | None], int | None]:
    """(container, {part: member or file name}, year)."""
    if path.is_file() and zipfile.is_zipfile(path):
        names = zipfile.ZipFile(path).namelist()
        base = {Path(n).name: n for n in names}
        y = year or sniff_year(path.name)
    elif path.is_dir():
        names = [p.name for p in path.iterdir()]
        base = {n: n for n in names}
        y = year
        if y is None:
            ts = [n for n in names if n.endswith(f"_{price}_T.txt")]
            y = sniff_year(ts[0]) if len(ts) == 1 else None
    else:
        raise ReadError(f"{path}: expected an Eora26 folder or zip archive (with Eora26_YYYY_{price}_T.txt, "
                        "_FD.txt, _VA.txt and labels_T/FD/VA.txt).")
    parts = {}
    for key in ("T", "FD", "VA"):
        cands = [n for n in base if n.startswith("Eora26_") and n.endswith(f"_{price}_{key}.txt")
                 and (y is None or str(y) in n)]
        if len(cands) != 1:
            raise ReadError(f"{path}: expected one Eora26_{y or 'YYYY'}_{price}_{key}.txt; found "
                            f"{cands or 'none'}{' (pass year=...)' if len(cands) > 1 else ''}.")
        parts[key] = base[cands[0]]
    for key in ("labels_T", "labels_FD", "labels_VA"):
        if f"{key}.txt" not in base:
            raise ReadError(f"{path}: label file {key}.txt is missing; Eora26 downloads ship it with the data "
                            "(or in indices.zip).")
        parts[key] = base[f"{key}.txt"]
    return path, parts, y


def _labels(container: Path, member: str, ncols: int) -> list[list[str]]:
    import pandas as pd

    if container.is_dir():
        src = container / member
        df = pd.read_csv(src, sep="\t", header=None, dtype=str, keep_default_na=False)
    else:
        with zipfile.ZipFile(container) as zf, zf.open(member) as fh:
            df = pd.read_csv(fh, sep="\t", header=None, dtype=str, keep_default_na=False)
    if df.shape[1] < ncols:
        raise ReadError(f"{container.name}!{member}: {df.shape[1]} label column(s); expected at least {ncols}.")
    return [[s.strip() for s in r] for r in df.iloc[:, :max(ncols, df.shape[1])].itertuples(index=False)]


def read_eora26(path: str | Path, *, year: int | None = None, price: str = "bp",
                fold_discrepancy: bool = True, allow_negative: bool = True, rtol: float = 1e-3) -> IOTable:
    """Read one year of Eora26 (folder or zip of the ``bp`` text files).

    Parameters
    ----------
    path : str or Path
        Folder or zip archive with ``Eora26_{year}_{price}_T/FD/VA.txt`` and
        ``labels_T/FD/VA.txt``.
    year : int, optional
        Needed when the folder holds several years.
    price : {"bp", "pp"}, default "bp"
        Basic or purchaser prices.
    fold_discrepancy : bool, default True
        Fold the ``ROW`` statistical-discrepancy account into a value-added row
        and a final-demand column (see the module docstring); ``False`` keeps it
        as a node.
    allow_negative : bool, default True
        Eora publishes a few small negative flows.
    rtol : float, default 1e-3
        Balance tolerance passed to :class:`~valuechain.IOTable`.

    Returns
    -------
    IOTable
        Nodes ``(ISO3, sector name)``; final demand ``(ISO3, category name)``;
        value-added rows named as in ``labels_VA.txt``; ``unit = "USD thousand"``.

    Raises
    ------
    ReadError
        Missing parts, label files that do not match the matrix shapes, ragged
        lines or text in the numeric files.

    Examples
    --------
    >>> from valuechain.datasets.eora import read_eora26
    >>> read_eora26("/nonexistent/eora")
    Traceback (most recent call last):
    ...
    valuechain.errors.ReadError: /nonexistent/eora: expected an Eora26 folder or zip archive (with Eora26_YYYY_bp_T.txt, _FD.txt, _VA.txt and labels_T/FD/VA.txt).
    """
    from .._validation import check_choice

    check_choice(price, "price", "read_eora26", ("bp", "pp"))
    path = Path(path)
    container, parts, y = _find(path, year, price)

    def matrix(key: str):
        if container.is_dir():
            return read_labelled_csv(container / parts[key], sep="\t", label_cols=0, header=False,
                                     suffixes=(".txt",))
        return read_labelled_csv(container, sep="\t", label_cols=0, header=False, member=parts[key],
                                 suffixes=(".txt",))

    lt = _labels(container, parts["labels_T"], 4)
    lf = _labels(container, parts["labels_FD"], 4)
    lv = _labels(container, parts["labels_VA"], 1)
    T, FD, VA = matrix("T"), matrix("FD"), matrix("VA")
    n, nf, nv = len(lt), len(lf), len(lv)
    for what, mat, shape in (("T", T, (n, n)), ("FD", FD, (n, nf)), ("VA", VA, (nv, n))):
        if mat.values.shape != shape:
            raise ReadError(f"{mat.name}: shape {mat.values.shape} does not match the label files "
                            f"(expected {shape} from labels_T/FD/VA.txt).")
    nodes = [(r[1], r[3]) for r in lt]
    fd = [(r[1], r[3]) for r in lf]
    va = [(r[1] if len(r) > 1 and r[1] else r[0]) for r in lv]
    Z, Y, V = T.values, FD.values, VA.values
    history = []
    if fold_discrepancy:
        drop = np.array([r == _DISCREPANCY for r, _ in nodes])
        dropf = np.array([r == _DISCREPANCY for r, _ in fd])
        if drop.any():
            keep = ~drop
            to_row = Z[np.ix_(keep, drop)].sum(axis=1) + Y[np.ix_(keep, dropf)].sum(axis=1)
            from_row = Z[np.ix_(drop, keep)].sum(axis=0)
            Z = Z[np.ix_(keep, keep)]
            nodes = [nd for nd, d in zip(nodes, drop) if not d]
            fd = [c for c, d in zip(fd, dropf) if not d]
            # sales to the discrepancy account: a domestic final-demand column of each producing
            # region (never a region without nodes, which the GVC decompositions refuse)
            regions = list(dict.fromkeys(r for r, _ in nodes))
            R = np.zeros((len(nodes), len(regions)))
            R[np.arange(len(nodes)), [regions.index(r) for r, _ in nodes]] = to_row
            Y = np.column_stack([Y[np.ix_(keep, ~dropf)], R])
            fd = fd + [(r, "statistical discrepancy") for r in regions]
            V = np.vstack([V[:, keep], from_row[None, :]])
            va = va + [f"statistical discrepancy ({_DISCREPANCY})"]
            history.append("folded the ROW statistical-discrepancy account into a primary-input row (kind "
                           "'other') and a domestic final-demand column (region, 'statistical discrepancy')")
    meta = {"name": f"eora26{'' if y is None else y}", "year": y, "unit": "USD thousand", "currency": "USD",
            "prices": "basic" if price == "bp" else "purchaser", "system": "industry-by-industry",
            "source": f"Eora26 ({price}): {path.name}", "history": tuple(history)}
    va_keys = [("other" if lab.startswith("statistical discrepancy") else "value_added", lab) for lab in va]
    return build_table(T.name, Z, nodes, Y, fd, V, va_keys, None, meta=meta, allow_negative=allow_negative,
                       rtol=rtol)
