"""Extension: a satellite account of an IOTable (employment, hours, skills, emissions...).

pymrio's names: ``F`` holds the direct amounts by stressor (rows) and node (columns),
``F_Y`` the amounts generated directly by final demand (households' own emissions),
by stressor and final-demand column.  Coefficients ``S = F x̂⁻¹`` (per unit of
output) and multipliers ``M = S L`` are computed by :mod:`valuechain.position` and
:mod:`valuechain.gvc` from the table the extension is attached to
(:meth:`IOTable.with_extension`).

An extension is frozen and validated once: stressor names unique, every value
finite, one unit per stressor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .errors import LabelError, TableError

__all__ = ["Extension", "extension_of"]


def _finite(df: pd.DataFrame, what: str) -> None:
    arr = df.to_numpy(dtype=float)
    bad = ~np.isfinite(arr)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise TableError(f"{what} has {int(bad.sum())} NaN/inf value(s); first at stressor {df.index[r]!r}, "
                         f"column {df.columns[c]!r}.")


@dataclass(frozen=True, eq=False)
class Extension:
    """A labelled satellite account: stressors by node, with units.

    Parameters
    ----------
    name : str
        The extension's name, e.g. ``"employment"`` (the key in ``table.extensions``).
    F : DataFrame
        Direct amounts, one row per stressor (``persons``, ``hours``, ``CO2``...),
        columns the table's ``(region, sector)`` nodes (a flat index for a
        single-region table).
    unit : str or mapping
        One unit for all stressors, or ``{stressor: unit}``.
    F_Y : DataFrame, optional
        Direct amounts of final demand, stressors by the table's final-demand columns.

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> F = pd.DataFrame([[10.0, 30.0]], index=["persons"], columns=t.nodes)
    >>> t2 = t.with_extension(vc.Extension("employment", F, unit="persons"))
    >>> t2.extensions["employment"].F.sum(axis=1).tolist()
    [40.0]
    """

    name: str
    F: pd.DataFrame
    unit: str | Mapping[str, str] = ""
    F_Y: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if not isinstance(self.name, str) or not self.name:
            raise TableError(f"An Extension needs a non-empty name; got {self.name!r}.")
        F = self.F
        if isinstance(F, pd.Series):
            F = F.to_frame().T
        if not isinstance(F, pd.DataFrame):
            raise TableError(f"Extension {self.name!r}: F must be a DataFrame (stressors x nodes); "
                             f"got {type(F).__name__}.")
        F = F.astype(float).copy()
        F.index = pd.Index([str(s) for s in F.index], name="stressor")
        dup = F.index[F.index.duplicated()]
        if len(dup):
            raise LabelError(f"Extension {self.name!r}: duplicated stressor(s) {list(dup.unique())[:5]}.")
        _finite(F, f"Extension {self.name!r} F")
        FY = self.F_Y
        if FY is not None:
            if isinstance(FY, pd.Series):
                FY = FY.to_frame().T
            FY = FY.astype(float).copy()
            FY.index = pd.Index([str(s) for s in FY.index], name="stressor")
            extra = FY.index.difference(F.index)
            if len(extra):
                raise LabelError(f"Extension {self.name!r}: F_Y has stressor(s) {list(extra)[:5]} that F lacks.")
            FY = FY.reindex(F.index, fill_value=0.0)
            _finite(FY, f"Extension {self.name!r} F_Y")
        unit = self.unit
        if isinstance(unit, Mapping):
            missing = [s for s in F.index if s not in unit]
            if missing:
                raise LabelError(f"Extension {self.name!r}: no unit for stressor(s) {missing[:5]}.")
            unit = {s: str(unit[s]) for s in F.index}
        elif not isinstance(unit, str):
            raise TableError(f"Extension {self.name!r}: unit must be a string or a {{stressor: unit}} mapping.")
        set_(self, "F", F)
        set_(self, "F_Y", FY)
        set_(self, "unit", unit)

    @classmethod
    def from_frame(cls, name: str, data: pd.DataFrame, *, unit: str | Mapping[str, str] = "",
                   region: str = "region", sector: str = "sector", stressor: str | None = None,
                   value: str = "value", nodes: pd.MultiIndex | None = None) -> "Extension":
        """An extension from a long table (one row per region, sector and stressor), as published.

        E.g. OECD's employment by country and industry for an ICIO table, or a census count.
        Without a *stressor* column the extension has one stressor, named *value*.  With
        *nodes* (a table's ``t.nodes``) missing nodes are refused (a LabelError naming
        them), never filled with 0.

        Examples
        --------
        >>> t = vc.datasets.load("miller_blair")
        >>> emp = pd.DataFrame({"region": ["MB", "MB"], "sector": ["s1", "s2"], "persons": [10.0, 30.0]})
        >>> e = vc.Extension.from_frame("employment", emp, value="persons", unit="persons", nodes=t.nodes)
        >>> e.F.loc["persons"].tolist()
        [10.0, 30.0]
        """
        need = [c for c in (region, sector, value, stressor) if c is not None and c not in data.columns]
        if need:
            raise LabelError(f"Extension.from_frame: column(s) {need} not in the data (columns: {list(data.columns)}).")
        keys = [region, sector] + ([stressor] if stressor else [])
        dup = data.duplicated(keys)
        if dup.any():
            raise LabelError(f"Extension.from_frame: duplicated {keys} entries, e.g. "
                             f"{tuple(data.loc[dup, keys].iloc[0])}.")
        vals = pd.to_numeric(data[value], errors="coerce")
        if vals.isna().any() or not np.isfinite(vals).all():
            bad = data.loc[~np.isfinite(vals.fillna(np.inf)), keys].iloc[0]
            raise TableError(f"Extension.from_frame: {value!r} is not a finite number for {tuple(bad)}.")
        frame = data.assign(**{value: vals})
        if stressor is None:
            frame = frame.assign(_stressor=value)
            stressor = "_stressor"
        F = frame.pivot(index=stressor, columns=[region, sector], values=value)
        F.columns = F.columns.set_names(["region", "sector"])
        if nodes is not None:
            missing = nodes.difference(F.columns)
            if len(missing):
                raise LabelError(f"Extension.from_frame: no {value!r} for {len(missing)} node(s) of the table, e.g. "
                                 f"{list(missing)[:3]}; give every node a value (0 where there is none).")
            F = F.loc[:, nodes]
        if F.isna().to_numpy().any():
            r, c = np.argwhere(F.isna().to_numpy())[0]
            raise LabelError(f"Extension.from_frame: stressor {F.index[r]!r} has no value for {F.columns[c]!r}.")
        return cls(name, F, unit)

    @property
    def stressors(self) -> pd.Index:
        return self.F.index

    def unit_of(self, stressor: str) -> str:
        """The unit of one stressor."""
        return self.unit[stressor] if isinstance(self.unit, Mapping) else self.unit

    def units(self) -> pd.Series:
        """Unit of every stressor, as a Series indexed by stressor."""
        return pd.Series([self.unit_of(s) for s in self.stressors], index=self.stressors, name="unit")

    def aligned(self, nodes: pd.MultiIndex, fd: pd.MultiIndex) -> "Extension":
        """This extension with columns in the order of *nodes* (and *fd*), or a LabelError."""
        F = self.F
        if not isinstance(F.columns, pd.MultiIndex):
            regions = nodes.get_level_values(0).unique()
            if len(regions) != 1:
                raise LabelError(f"Extension {self.name!r}: F has flat columns but the table has several regions.")
            F = F.set_axis(pd.MultiIndex.from_arrays([[regions[0]] * F.shape[1], list(F.columns)],
                                                     names=["region", "sector"]), axis=1)
        F = F.set_axis(F.columns.set_names(["region", "sector"]), axis=1)
        miss, extra = nodes.difference(F.columns), F.columns.difference(nodes)
        if len(miss) or len(extra):
            raise LabelError(f"Extension {self.name!r}: F columns must be the table's nodes; missing "
                             f"{list(miss)[:3]}, not in the table {list(extra)[:3]}.")
        FY = self.F_Y
        if FY is not None:
            if not isinstance(FY.columns, pd.MultiIndex):
                regions = fd.get_level_values(0).unique()
                FY = FY.set_axis(pd.MultiIndex.from_arrays([[regions[0]] * FY.shape[1], list(FY.columns)],
                                                           names=["region", "category"]), axis=1)
            FY = FY.set_axis(FY.columns.set_names(["region", "category"]), axis=1)
            miss, extra = fd.difference(FY.columns), FY.columns.difference(fd)
            if len(extra):
                raise LabelError(f"Extension {self.name!r}: F_Y columns {list(extra)[:3]} are not final-demand "
                                 "columns of the table.")
            FY = FY.reindex(columns=fd, fill_value=0.0)
        return Extension(self.name, F.loc[:, nodes], self.unit, FY)

    def __repr__(self) -> str:
        units = sorted(set(self.units()))
        return (f"Extension({self.name!r}: {len(self.stressors)} stressor(s) {list(self.stressors)[:4]}"
                f"{'...' if len(self.stressors) > 4 else ''}, unit {', '.join(units)}"
                f"{', with F_Y' if self.F_Y is not None else ''})")

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "F": self.F, "F_Y": self.F_Y, "unit": self.unit}


def extension_of(table: Any, name: str, func: str) -> Extension:
    """``table.extensions[name]``, or a LabelError listing what the table carries."""
    if not isinstance(name, str) or name not in table.extensions:
        raise LabelError(f"{func}: the table has no extension {name!r}; extensions: {sorted(table.extensions)} "
                         "(attach one with table.with_extension(vc.Extension(...))).")
    return table.extensions[name]
