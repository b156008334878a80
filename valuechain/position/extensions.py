"""Satellite-account multipliers: employment, hours, skills, emissions per unit of final demand.

For an extension (see :class:`~valuechain.Extension`) with direct amounts ``F``
(stressors x nodes), the coefficients are ``S = F x̂⁻¹`` (zero-output nodes: 0) and

* ``direct`` = ``s_j`` (ABS: the *initial* effect);
* ``first_round`` = ``(s A)_j`` (the direct suppliers' amounts);
* ``simple`` = ``(s L)_j``: direct + indirect amounts per unit of final demand (pymrio's ``M``);
* ``industrial_support`` = simple - direct - first_round; ``production_induced`` =
  first_round + industrial_support;
* ``type1`` = simple / direct.

With households endogenised (Miller & Blair 2009, ch. 6; ABS Information Paper 5246.0)
the technical matrix is bordered by a household row ``h_r`` (compensation of employees
per unit of output) and column ``h_c`` (household consumption of each product per unit
of household income).  The Type II amounts ``total`` = ``[s, 0] (I - Ā)⁻¹`` are computed
with the table's own LU factorisation (block elimination of the bordered system: two
transposed solves in one, no new factorisation), then ``consumption_induced`` = total -
simple and ``type2`` = total / direct.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_table
from ..errors import LabelError, ParameterError
from ..extension import extension_of as _extension
from ..table import IOTable

__all__ = ["extension_multipliers", "household_coefficients", "stressor_coefficients", "skill_intensity"]

#: value-added components that are compensation of employees (household income), by name
_COMPENSATION = ("compensation", "wage", "salar", "social contribution", "d1", "d.1", "v001", "coe")
#: final-demand categories of household consumption, by name
_HOUSEHOLDS = ("household", "hfce", "cons_h", "p3_s14", "f010", "famílias", "consumption expenditure")




def stressor_coefficients(table: IOTable, name: str) -> pd.DataFrame:
    """Direct coefficients ``S = F x̂⁻¹`` of an extension (stressors x nodes; zero-output nodes 0).

    Examples
    --------
    >>> t = vc.datasets.load("testmrio")
    >>> vc.position.stressor_coefficients(t, "Emissions").shape
    (2, 48)
    """
    check_table(table, "stressor_coefficients")
    e = _extension(table, name, "stressor_coefficients")
    S = e.F.to_numpy() * table._xinv[None, :]
    out = pd.DataFrame(S, index=e.F.index, columns=table.nodes)
    out.attrs = table.attrs("stressor_coefficients", extension=name,
                            unit={s: f"{e.unit_of(s)} per {table.meta.unit or 'unit of output'}" for s in e.stressors})
    return out


def _node_vector(table: IOTable, v: Any, what: str) -> np.ndarray:
    if isinstance(v, pd.Series):
        idx = v.index
        if not isinstance(idx, pd.MultiIndex) and len(table.regions) == 1:
            v = pd.Series(v.to_numpy(), index=pd.MultiIndex.from_arrays([[table.regions[0]] * len(v), idx]))
        v.index = v.index.set_names(["region", "sector"])
        miss = table.nodes.difference(v.index)
        if len(miss):
            raise LabelError(f"extension_multipliers: the households {what} Series has no value for "
                             f"{list(miss)[:3]}.")
        arr = v.reindex(table.nodes).to_numpy(dtype=float)
    else:
        arr = np.asarray(v, dtype=float)
        if arr.shape != (table.n,):
            raise ParameterError(f"The households {what} must be a Series by node or an array of {table.n} values. "
                                 f"Got shape {arr.shape} instead.")
    if not np.isfinite(arr).all():
        raise ParameterError(f"The households {what} coefficients must be finite.")
    return arr


def household_coefficients(table: IOTable) -> pd.DataFrame:
    """The household row and column derived from the table (rules of :func:`extension_multipliers`).

    ``income``: compensation of employees per unit of output (the ``value_added`` rows named
    compensation / wages / salaries / social contributions / D1 / V001); ``consumption``:
    household final consumption of each product (the final-demand categories named
    households / HFCE / CONS_h / P3_S14 / F010) per unit of total household income
    (total compensation).

    Returns
    -------
    DataFrame indexed by (region, sector), columns ``income`` and ``consumption``.

    Raises
    ------
    ParameterError
        The table has no compensation row or no household-consumption category.

    Examples
    --------
    >>> h = vc.position.household_coefficients(vc.datasets.load("brazil", year=2021))
    >>> round(float(h["consumption"].sum()), 2)  # household consumption of domestic products / compensation
    1.3
    """
    check_table(table, "household_coefficients")
    V = table.V
    kinds = V.index.get_level_values("kind")
    comps = V.index.get_level_values("component").str.lower()
    is_comp = (kinds == "value_added") & np.array([any(k in c for k in _COMPENSATION) for c in comps])
    cats = table.Y.columns.get_level_values("category").astype(str).str.lower()
    is_hh = np.array([any(k in c for k in _HOUSEHOLDS) and "npish" not in c and "non-profit" not in c for c in cats])
    if not is_comp.any() or not is_hh.any():
        raise ParameterError(
            "extension_multipliers(households=True) needs a compensation-of-employees row in V "
            f"(found components {list(dict.fromkeys(V.index.get_level_values('component')))[:6]}) and a household "
            f"consumption category in Y (found {list(dict.fromkeys(table.Y.columns.get_level_values('category')))}); "
            "pass households=(income, consumption) coefficients instead, as statistical offices publish them.")
    wages = V.to_numpy()[is_comp].sum(axis=0)
    income = wages * table._xinv
    cons = table.Y.to_numpy()[:, is_hh].sum(axis=1)
    total_income = wages.sum()
    out = pd.DataFrame({"income": income, "consumption": cons / total_income if total_income else cons * 0},
                       index=table.nodes)
    out.attrs = table.attrs("household_coefficients", unit="income per unit of output; consumption per unit of "
                            "household income", rule="compensation of employees / output; household final "
                            "consumption / total compensation")
    return out


def extension_multipliers(table: IOTable, name: str, *, households: Any = False) -> pd.DataFrame:
    """Multipliers of a satellite account per unit of final demand, by node.

    Parameters
    ----------
    table : IOTable
    name : str
        The extension (``table.extensions[name]``).
    households : bool or (income, consumption), default False
        ``True``: endogenise households with coefficients derived from the table
        (:func:`household_coefficients`); a pair of Series by node: the household row
        (income per unit of output) and column (consumption per unit of income), as
        statistical offices publish them (ABS: percent / 100).

    Returns
    -------
    DataFrame indexed by (region, sector), columns ``(stressor, measure)``: ``direct``,
    ``first_round``, ``industrial_support``, ``production_induced``, ``simple``,
    ``type1`` (and with households ``consumption_induced``, ``total``, ``type2``).
    ``.attrs["unit"]`` gives each stressor's unit per unit of final demand.

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> F = pd.DataFrame([[100.0, 40.0]], index=["persons"], columns=t.nodes)
    >>> t = t.with_extension(vc.Extension("jobs", F, unit="persons"))
    >>> m = vc.position.extension_multipliers(t, "jobs")
    >>> m[("persons", "simple")].round(4).tolist()  # s L with s = (0.1, 0.02)
    [0.1307, 0.0554]
    """
    check_table(table, "extension_multipliers")
    e = _extension(table, name, "extension_multipliers")
    S = e.F.to_numpy() * table._xinv[None, :]  # k x n
    k, n = S.shape
    endo = households is not False and households is not None
    if endo:
        if households is True:
            h = household_coefficients(table)
            hr, hc = h["income"].to_numpy(), h["consumption"].to_numpy()
        elif isinstance(households, (tuple, list)) and len(households) == 2:
            hr = _node_vector(table, households[0], "income")
            hc = _node_vector(table, households[1], "consumption")
        else:
            raise ParameterError("The 'households' parameter of extension_multipliers must be False, True or an "
                                 f"(income, consumption) pair of Series. Got {type(households).__name__} instead.")
        rhs = np.column_stack([S.T, hr])
    else:
        rhs = S.T
    sol = table.solve(rhs, transpose=True)  # L' [S', h_r]
    simple = sol[:, :k].T  # k x n
    first = S @ table.A.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        type1 = np.where(S != 0, simple / np.where(S != 0, S, 1.0), np.nan)
    cols: dict[tuple[str, str], np.ndarray] = {}
    for i, st in enumerate(e.stressors):
        cols[(st, "direct")] = S[i]
        cols[(st, "first_round")] = first[i]
        cols[(st, "industrial_support")] = simple[i] - S[i] - first[i]
        cols[(st, "production_induced")] = simple[i] - S[i]
        cols[(st, "simple")] = simple[i]
        cols[(st, "type1")] = type1[i]
    if endo:
        b = sol[:, k]  # L' h_r
        den = 1.0 - hc @ b
        if den <= 0:
            raise ParameterError("extension_multipliers: the household loop does not converge (h_c' L' h_r >= 1); "
                                 "check the household income and consumption coefficients.")
        z2 = (hc @ simple.T) / den  # household-income multiplier of each stressor
        total = simple + z2[:, None] * b[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            type2 = np.where(S != 0, total / np.where(S != 0, S, 1.0), np.nan)
        for i, st in enumerate(e.stressors):
            cols[(st, "consumption_induced")] = total[i] - simple[i]
            cols[(st, "total")] = total[i]
            cols[(st, "type2")] = type2[i]
    df = pd.DataFrame(cols, index=table.nodes)
    df.columns = df.columns.set_names(["stressor", "measure"])
    per = table.meta.unit or "unit"
    df.attrs = table.attrs("extension_multipliers", extension=name,
                           unit={s: f"{e.unit_of(s)} per {per} of final demand" for s in e.stressors},
                           households=("derived from the table" if households is True else
                                       "given (income, consumption)" if endo else "exogenous"),
                           method="ABS 5246.0 / Miller & Blair ch. 6 (Type I and II)")
    return df


def skill_intensity(table: IOTable, name: str = "skills", *, high: Any = None, of: str = "nodes") -> pd.DataFrame:
    """Share of high-skill work in each node's work, directly and along its whole supply chain.

    The extension *name* splits one measure of work (hours or compensation) by skill level
    into stressors (e.g. ``high_skill_hours``, ``medium_skill_hours``, ``low_skill_hours``)
    that add up to the total.  ``high`` names the high-skill stressor(s) (default: those whose
    name starts with "high").

    Parameters
    ----------
    of : {"nodes", "exports"}, default "nodes"
        ``"nodes"``: ``direct`` = high / total of the node's own work, ``embodied`` = the same
        share in the work its final demand requires (``s_high L / s L``).
        ``"exports"``: per exporting region, the share in the work embodied in its gross
        exports (:func:`valuechain.gvc.embodied`).

    Returns
    -------
    DataFrame (``of="nodes"``: by node; ``of="exports"``: by exporter) with ``direct`` /
    ``embodied`` shares in [0, 1] (NaN where there is no work).

    Examples
    --------
    >>> t = vc.datasets.load("miller_blair")
    >>> F = pd.DataFrame([[30.0, 10.0], [70.0, 90.0]], index=["high_skill_hours", "low_skill_hours"],
    ...                  columns=t.nodes)
    >>> t = t.with_extension(vc.Extension("skills", F, unit="hours"))
    >>> vc.position.skill_intensity(t)["direct"].round(2).tolist()
    [0.3, 0.1]
    """
    from .._validation import check_choice

    check_table(table, "skill_intensity")
    check_choice(of, "of", "skill_intensity", ("nodes", "exports"))
    e = _extension(table, name, "skill_intensity")
    stressors = list(e.stressors)
    hi = [s for s in stressors if s.lower().startswith("high")] if high is None else (
        [high] if isinstance(high, str) else list(high))
    unknown = [h for h in hi if h not in stressors]
    if not hi or unknown:
        raise LabelError(f"skill_intensity: high-skill stressor(s) {unknown or '(none found)'} not in extension "
                         f"{name!r} ({stressors}); pass high=.")
    mask = np.isin(stressors, hi)

    def share(num, den):
        num, den = np.asarray(num, float), np.asarray(den, float)
        out = np.full(np.shape(den), np.nan)
        np.divide(num, den, out=out, where=den > 0)
        return out

    if of == "nodes":
        m = extension_multipliers(table, name)
        simple = m.xs("simple", axis=1, level="measure")[stressors].to_numpy()
        F = e.F.to_numpy()
        df = pd.DataFrame({"direct": share(F[mask].sum(axis=0), F.sum(axis=0)),
                           "embodied": share(simple[:, mask].sum(axis=1), simple.sum(axis=1))}, index=table.nodes)
    else:
        from ..gvc.embodied import embodied

        d = embodied(table, name, demand="exports", by="origin")
        by_exp = d.sum(axis=0).groupby(level=[0, 1]).sum().unstack(0)  # exporter (or region) x stressor
        df = pd.DataFrame({"embodied": share(by_exp[hi].sum(axis=1), by_exp[stressors].sum(axis=1))},
                          index=by_exp.index)
    df.attrs = table.attrs("skill_intensity", extension=name, high=hi, unit="share of work", of=of)
    return df
