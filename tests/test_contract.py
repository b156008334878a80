"""The contract test (GUIDE.md convention 10, issue 11).

ONE test loops over every public function of the metric families
(``vc.position``, ``vc.gvc``, ``vc.network``, ``vc.resilience``, ``vc.clusters``)
and ``vc.compare``.  The list of names comes from each family's ``__all__``; the
explicit table :data:`CASES` says how to call each one.  A public name missing
from the table fails the test, so a new public function must be added here.

For every function it checks:

(a) the output is labelled: a Series/DataFrame whose index is not an unnamed
    RangeIndex (or a documented result object whose DataFrame attributes are),
    with ``.attrs["metric"]``;
(b) the inputs are untouched: fingerprints of Z, Y, V, x (and the cached A, B, L,
    G) of a table, of a graph's CSR data/indices/indptr, nodes and node_attrs, and
    of any DataFrame/Series argument, before and after the call;
(c) a bad parameter value raises ParameterError with the standard message
    ``The 'X' parameter of F must be ... Got ... instead.``;
(d) an input of the wrong type (an ``object()`` where the table/graph/data goes)
    raises ParameterError, never an AttributeError from deep inside.

Deviations known today are listed in :data:`KNOWN` (function, check) -> reason.
The test fails on any deviation not listed *and* on a listed one that no longer
happens (strict, like ``xfail(strict=True)``), so the list stays true.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp

import valuechain as vc
from conftest import random_table
from valuechain.errors import ParameterError

FAMILIES = ("position", "gvc", "network", "resilience", "clusters")

MSG = re.compile(r"^The '(?P<param>[^']+)' parameter of (?P<func>[\w.]+) must be .+ Got .+ instead\.$", re.S)


# ------------------------------------------------------------------ inputs
def _inputs(table: vc.IOTable | None = None) -> dict[str, Any]:
    """Small valid inputs of every kind; *table* replaces the random MRIO table (and its graph)."""
    t = random_table(3, 3, seed=0) if table is None else table
    jobs = pd.DataFrame([t.x.to_numpy() * 0.01], index=["persons"], columns=t.nodes)
    hours = pd.DataFrame([t.x.to_numpy() * 0.3, t.x.to_numpy() * 0.7], index=["high_skill_hours", "low_skill_hours"],
                         columns=t.nodes)
    t = t.with_extension(vc.Extension("employment", jobs, unit="persons")).with_extension(
        vc.Extension("skills", hours, unit="hours"))
    g = vc.supply_graph(t)
    rng = np.random.default_rng(0)
    shock = pd.Series(0.0, index=t.nodes)
    shock.iloc[[1, t.n - 1]] = [-5.0, -2.0]
    regions = [f"r{i}" for i in range(6)]
    inds = ["cars", "food", "steel", "toys"]
    wide = pd.DataFrame(rng.integers(1, 50, (6, 4)).astype(float), index=regions, columns=inds)
    long = pd.DataFrame([(r, i, y, float(rng.integers(1, 50))) for r in regions for i in inds for y in (2010, 2020)],
                        columns=["region", "industry", "year", "employment"])
    exports = pd.DataFrame(rng.lognormal(0, 1, (6, 5)) * (rng.random((6, 5)) < 0.8) + 0.01,
                           index=[f"c{i}" for i in range(6)], columns=[f"p{j}" for j in range(5)])
    trade = pd.DataFrame({"year": 2020, "exporter": ["CHN", "USA", "DEU", "FRA", "CHN", "DEU"],
                          "importer": ["FRA", "FRA", "FRA", "DEU", "DEU", "ITA"], "product": ["p", "p", "p", "p", "q", "q"],
                          "value": [8.0, 2.0, 1.0, 1.0, 3.0, 2.0], "quantity": np.nan})
    t2 = vc.IOTable(t.Z * 1.1, t.Y * 1.1, t.V * 1.1, meta={"name": t.meta.name, "year": 2021},
                    allow_negative=t.allow_negative)
    part = pd.Series(np.arange(t.n) % 2, index=t.nodes)
    return {"table": t, "table2": t2, "graph": g, "national": vc.datasets.load("brazil", year=2021), "shock": shock, "wide": wide, "long": long,
            "exports": exports, "trade": trade, "partition": part}


# --------------------------------------------------------------- the table
@dataclass
class Case:
    """How to call one public function.

    call(inp) -> (args, kwargs); ``bad`` = (kwargs that are invalid, name of the bad
    parameter) or None when the function has no tuning parameter; ``scalar`` for
    functions documented to return a number; ``long`` for documented tidy/edge-list
    frames whose rows are identified by columns rather than the index.
    """

    call: Callable[[dict], tuple[tuple, dict]]
    bad: tuple[dict, str] | None = None
    scalar: bool = False
    long: tuple[str, ...] = ()  # "" = the result itself, else attribute names of a result object
    wrong_type: bool = True  # check (d)


def T(**kw):  # table-only call
    return Case(lambda i: ((i["table"],), {}), **kw)


def Gr(**kw):  # graph-only call
    return Case(lambda i: ((i["graph"],), {}), **kw)


CASES: dict[str, Case] = {
    # position
    "position.multipliers": T(),
    "position.output_multipliers": T(),
    # an unknown V row / final-demand category is a LabelError naming the label (not a tuning-parameter error)
    "position.value_added_multipliers": T(),
    "position.linkages": T(bad=({"crit": -1.0}, "crit")),
    "position.key_sectors": T(bad=({"forward": "sideways"}, "forward")),
    "position.extraction": T(bad=({"per": "planet"}, "per")),
    "position.upstreamness": T(bad=({"correction": "sometimes"}, "correction")),
    "position.profile": T(),
    "position.extension_multipliers": Case(lambda i: ((i["table"], "employment"), {}),
                                           bad=({"households": "often"}, "households")),
    "position.stressor_coefficients": Case(lambda i: ((i["table"], "employment"), {})),
    "position.household_coefficients": Case(lambda i: ((i["national"],), {})),
    "position.skill_intensity": Case(lambda i: ((i["table"], "skills"), {}), bad=({"of": "planets"}, "of")),
    "gvc.embodied": Case(lambda i: ((i["table"], "employment"), {}), bad=({"demand": "imports"}, "demand")),
    "position.downstreamness": T(),
    "position.propagation_lengths": T(),
    "position.influence_vector": T(),
    # gvc
    "gvc.value_added_origin": T(bad=({"post": "nowhere"}, "post"), long=("",)),
    "gvc.vax": T(bad=({"bilateral": "maybe"}, "bilateral")),
    "gvc.kww": T(bad=({"level": "galaxy"}, "level")),
    "gvc.wwz": T(bad=({"level": "galaxy"}, "level")),
    "gvc.borin_mancini": T(bad=({"approach": "middle"}, "approach")),
    "gvc.participation": T(bad=({"level": "galaxy"}, "level")),
    "gvc.tiva": T(),
    "gvc.production_length": T(bad=({"inventories": "hide"}, "inventories")),
    # network
    "network.backbone": Gr(bad=({"alpha": -0.5}, "alpha")),
    "network.disparity_pvalues": Gr(long=("",)),
    "network.centrality": Gr(bad=({"damping": 1.5}, "damping")),
    "network.strength": Gr(),
    "network.pagerank": Gr(bad=({"damping": -0.85}, "damping")),
    "network.hits": Gr(),
    "network.eigenvector": Gr(bad=({"direction": "sideways"}, "direction")),
    "network.katz": Gr(bad=({"alpha": -1.0}, "alpha")),
    "network.betweenness": Gr(bad=({"distance": "crowfly"}, "distance")),
    "network.closeness": Gr(bad=({"distance": "crowfly"}, "distance")),
    "network.random_walk": Gr(bad=({"direction": "sideways"}, "direction")),
    "network.counting_betweenness": Gr(bad=({"direction": "sideways"}, "direction")),
    "network.influence": Gr(),
    "network.communities": Gr(bad=({"method": "astrology"}, "method")),
    "network.community_cores": Case(lambda i: ((i["graph"],), {"runs": 4}), bad=({"runs": 4, "threshold": 2.0}, "threshold")),
    "network.coassignment": Case(lambda i: ((i["graph"],), {"runs": 4}), bad=({"runs": 0}, "runs")),
    "network.modularity": Case(lambda i: ((i["graph"], i["partition"]), {}), bad=({"resolution": -1.0}, "resolution"),
                               scalar=True),
    "network.community_summary": Case(lambda i: ((i["graph"], i["partition"]), {})),
    # resilience
    "resilience.sweep": Case(lambda i: ((i["table"], {"a": i["shock"], "b": 2 * i["shock"]}), {}),
                             bad=({"model": "ghosh"}, "model")),
    "resilience.demand_shock": Case(lambda i: ((i["table"], i["shock"]), {}), bad=({"shock": "big"}, "shock")),
    "resilience.supply_shock": Case(lambda i: ((i["table"], i["shock"]), {}), bad=({"shock": "big"}, "shock")),
    "resilience.inoperability": Case(lambda i: ((i["table"], -i["shock"] / 100), {}), bad=({"shock": "big"}, "shock")),
    "resilience.extraction": Case(lambda i: ((i["table"],), {"regions": ["R0"]}), bad=({"kind": "sideways"}, "kind")),
    "resilience.decoupling": Case(lambda i: ((i["table"], "R0"), {}), bad=({"regions": 42}, "regions")),
    "resilience.dynamic_inoperability": Case(lambda i: ((i["table"], -i["shock"] / 100), {"days": 5}),
                                             bad=({"days": 5, "k": 1.5}, "k")),
    "resilience.simulate": Case(lambda i: ((i["table"], vc.resilience.Scenario(demand={("R0", "s0"): 0.5})), {"days": 5}),
                                bad=({"days": 5, "production": "magic"}, "production")),
    "resilience.removal_curve": Case(lambda i: ((i["graph"],), {"steps": 3, "n_draws": 2}),
                                     bad=({"order": "alphabetical"}, "order")),
    "resilience.systemic_risk": T(bad=({"tol": -1.0}, "tol")),
    "resilience.concentration": T(bad=({"level": "galaxy"}, "level")),
    "resilience.dependencies": Case(lambda i: ((i["trade"],), {"bloc": ["DEU", "FRA"]}), bad=({"hhi": -1.0}, "hhi")),
    "resilience.single_points_of_failure": T(bad=({"min_share": 2.0}, "min_share"), long=("",)),
    # clusters
    "clusters.activity_matrix": Case(lambda i: ((i["long"],), {"year": 2020}), bad=({"year": 1800}, "year")),
    "clusters.location_quotients": Case(lambda i: ((i["long"],), {"year": 2020}), bad=({"year": 1800}, "year")),
    "clusters.stars": Case(lambda i: ((i["wide"],), {}), bad=({"top": 2.0}, "top")),
    "clusters.cluster_kpis": Case(lambda i: ((i["long"],), {}), bad=({"lq_threshold": -1.0}, "lq_threshold")),
    "clusters.skills_concentration": Case(
        lambda i: ((pd.DataFrame({"region": ["n", "n", "s", "s"], "industry": ["x", "y", "x", "y"],
                                  "employment": [10.0, 10.0, 30.0, 50.0], "graduates": [8.0, 2.0, 6.0, 4.0]}),),
                   {"high": "graduates"}), bad=({"high": 5}, "high")),
    "clusters.regional_kpis": Case(lambda i: ((i["wide"],), {}), bad=({"min_stars": 0}, "min_stars")),
    "clusters.herfindahl": Case(lambda i: ((i["long"],), {"year": 2020}), bad=({"year": 1800}, "year")),
    "clusters.krugman": Case(lambda i: ((i["wide"],), {}), bad=({"reference": "moon"}, "reference")),
    "clusters.lq_change": Case(lambda i: ((i["long"],), {}), bad=({"start": 1800}, "start")),
    "clusters.entry_list": Case(lambda i: ((i["long"],), {}), bad=({"threshold": -1.0}, "threshold")),
    "clusters.exit_list": Case(lambda i: ((i["long"],), {}), bad=({"threshold": -1.0}, "threshold")),
    "clusters.shift_share": Case(lambda i: ((i["long"],), {}), bad=({"end": 1800}, "end")),
    "clusters.specialisation_stars": Case(lambda i: ((i["wide"],), {}), bad=({"min_stars": 0}, "min_stars")),
    "clusters.related_industries": Case(lambda i: ((i["table"],), {"n_clusters": 2}), bad=({"method": "astrology"}, "method")),
    "clusters.io_relatedness": T(),
    "clusters.adjusted_rand_index": Case(lambda i: (([0, 0, 1, 1], [5, 5, 7, 7]), {}), scalar=True, wrong_type=False),
    "clusters.complexity": Case(lambda i: ((i["exports"],), {}), bad=({"presence": "vibes"}, "presence")),
    "clusters.rca": Case(lambda i: ((i["exports"],), {})),
    "clusters.product_space": Case(lambda i: ((vc.clusters.complexity(i["exports"]),), {}),
                                   bad=({"min_proximity": -1.0}, "min_proximity"), long=("",)),
    "clusters.adjacent_possible": Case(lambda i: ((i["exports"], "c0"), {}), bad=({"split": "mode"}, "split")),
    # compare
    "compare": Case(lambda i: (({2020: i["table"], 2021: i["table2"]},), {}), bad=({"alpha": 2.0}, "alpha"),
                    long=("flow_changes", "edges_gained", "edges_lost")),
}

#: Public names that are not metric functions (classes, constants, file readers).
NOT_METRICS = {
    "gvc.KWW_TERMS": "constant", "gvc.WWZ_TERMS": "constant", "gvc.BM_TERMS": "constant",
    "resilience.Scenario": "class (shock description)", "resilience.ShockResult": "result class",
    "resilience.SimulationResult": "result class", "resilience.EU27": "constant",
    "clusters.RelatedIndustries": "result class", "clusters.Complexity": "result class",
    "clusters.read_activity": "file reader (fuzzed with the readers)",
    "clusters.read_abs_eiat": "file reader", "clusters.read_bea_employment": "file reader",
    "clusters.tidy_activity": "data reshaping helper (wide -> long activity), not a metric",
    "clusters.harmonise_regions": "data reshaping helper (region concordance), not a metric",
    "clusters.extension_activity": "data reshaping helper (a satellite account as an activity table), not a metric",
    "clusters.traded_industries": "classification lookup (traded/local), not a metric",
    "clusters.monitor": "HTML page (checked in tests/test_cluster_monitor.py and the browser test)",
    "clusters.monitor_data": "bundle of the monitor page's tables (each from a checked metric)",
}

#: Deviations known today: (name, check) -> reason.  Checks: "labelled", "metric",
#: "untouched", "bad_param", "wrong_type".  Keep in sync (the test is strict).
KNOWN: dict[tuple[str, str], str] = {
}


# ------------------------------------------------------------- fingerprints
def _h(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.hexdigest()


def fingerprint(obj: Any) -> Any:
    """A hash of everything an argument holds that a function could mutate."""
    if isinstance(obj, vc.IOTable):
        blocks = {k: fingerprint(getattr(obj, k)) for k in ("Z", "Y", "V", "x", "A", "B", "L", "G")}
        return ("IOTable", blocks, repr(obj.meta))
    if isinstance(obj, vc.SupplyGraph):
        W = obj.adjacency
        return ("SupplyGraph", _h(W.data.tobytes(), W.indices.tobytes(), W.indptr.tobytes(), repr(W.shape).encode()),
                fingerprint(obj.nodes), fingerprint(obj.node_attrs), obj.weight, repr(obj.meta))
    if isinstance(obj, (pd.DataFrame, pd.Series)):
        vals = pd.util.hash_pandas_object(obj, index=True).to_numpy().tobytes()
        cols = repr(list(obj.columns)).encode() if isinstance(obj, pd.DataFrame) else repr(obj.name).encode()
        return _h(vals, cols, repr(list(obj.index.names)).encode())
    if isinstance(obj, pd.Index):
        return _h(pd.util.hash_pandas_object(obj.to_frame(index=False), index=False).to_numpy().tobytes())
    if isinstance(obj, np.ndarray):
        return _h(obj.tobytes(), repr(obj.shape).encode())
    if sp.issparse(obj):
        return fingerprint(sp.csr_matrix(obj).toarray())
    if isinstance(obj, dict):
        return {repr(k): fingerprint(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [fingerprint(v) for v in obj]
    if is_dataclass(obj):
        return (type(obj).__name__, {f.name: fingerprint(getattr(obj, f.name)) for f in fields(obj)})
    return repr(obj)


# ----------------------------------------------------------- output checks
def _labelled_index(idx: pd.Index) -> bool:
    return not (isinstance(idx, pd.RangeIndex) and idx.name is None)


def _frames_of(result: Any) -> list[tuple[str, pd.Series | pd.DataFrame]]:
    """The pandas objects a result holds (itself, or a result object's DataFrame attributes)."""
    if isinstance(result, (pd.Series, pd.DataFrame)):
        return [("", result)]
    out = []
    if isinstance(result, vc.SupplyGraph):
        return [("node_attrs", result.node_attrs)]
    if is_dataclass(result):
        for f in fields(result):
            v = getattr(result, f.name)
            if isinstance(v, (pd.Series, pd.DataFrame)) and len(v):
                out.append((f.name, v))
    return out


def check_output(name: str, case: Case, result: Any) -> list[tuple[str, str]]:
    problems = []
    if case.scalar:
        if not isinstance(result, (float, int, np.floating, np.integer)) or not np.isfinite(result):
            problems.append(("labelled", f"expected a finite number, got {result!r}"))
        return problems
    frames = _frames_of(result)
    if not frames:
        return [("labelled", f"returns {type(result).__name__}, not a pandas object or a result object holding one")]
    for attr, obj in frames:
        where = f".{attr}" if attr else "result"
        if attr in case.long:  # a documented long/edge-list frame: rows identified by label columns
            if not isinstance(obj, pd.DataFrame) or not any(
                    obj[c].dtype == object or pd.api.types.is_string_dtype(obj[c]) for c in obj.columns):
                problems.append(("labelled", f"{where}: long frame without label columns"))
        elif not _labelled_index(obj.index):
            problems.append(("labelled", f"{where} has an unnamed RangeIndex"))
    if isinstance(result, vc.SupplyGraph):  # a graph result: labelled nodes, the step recorded in meta.history
        if not _labelled_index(result.nodes):
            problems.append(("labelled", "graph nodes are not labelled"))
        if not any(name.split(".")[-1] in step for step in result.meta.history):
            problems.append(("metric", f"meta.history does not record the step: {result.meta.history}"))
        return problems
    attrs = getattr(result, "attrs", None)
    if attrs is None and frames:
        attrs = frames[0][1].attrs
    if not isinstance(attrs, dict) or not attrs.get("metric"):
        problems.append(("metric", "no .attrs['metric']"))
    return problems


def _resolve(name: str) -> Callable:
    if "." not in name:
        return getattr(vc, name)
    fam, fn = name.split(".")
    return getattr(getattr(vc, fam), fn)


def public_names() -> list[str]:
    names = []
    for fam in FAMILIES:
        names += [f"{fam}.{n}" for n in getattr(vc, fam).__all__]
    return names + ["compare"]


# ------------------------------------------------------------------ the test
def test_every_public_metric_honours_the_contract():
    names = public_names()
    missing = [n for n in names if n not in CASES and n not in NOT_METRICS]
    assert not missing, f"public names with no entry in tests/test_contract.py CASES (add how to call them): {missing}"
    stale = [n for n in CASES if n not in names]
    assert not stale, f"CASES lists names that are no longer public: {stale}"

    inp = _inputs()
    found: dict[tuple[str, str], str] = {}
    n_checked = 0
    for name in names:
        if name in NOT_METRICS:
            continue
        case, fn = CASES[name], _resolve(name)
        args, kwargs = case.call(inp)
        before = fingerprint((args, kwargs))
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:  # a valid call must work
                found[(name, "call")] = f"valid call raised {type(exc).__name__}: {exc}"
                continue
        n_checked += 1
        for check, why in check_output(name, case, result):
            found.setdefault((name, check), why)
        if fingerprint((args, kwargs)) != before:
            found[(name, "untouched")] = "an input changed during the call"
        # (c) bad parameter
        if case.bad is not None:
            bad_kw, param = case.bad
            kw = dict(kwargs, **bad_kw)
            a = args
            if param in kw and len(args) > 1 and param in ("shock", "regions"):  # positional ones
                a = args[:1]
            try:
                fn(*a, **kw)
                found[(name, "bad_param")] = f"{bad_kw} accepted silently"
            except ParameterError as exc:
                m = MSG.match(str(exc))
                short = name.split(".")[-1]
                if not m or m["param"] != param or m["func"].split(".")[-1] != short:
                    found[(name, "bad_param")] = f"non-standard message: {exc}"
            except Exception as exc:
                found[(name, "bad_param")] = f"{bad_kw} raised {type(exc).__name__}: {str(exc)[:120]}"
        # (d) wrong input type
        if case.wrong_type:
            try:
                fn(object(), *args[1:], **kwargs)
                found[(name, "wrong_type")] = "object() accepted"
            except ParameterError:
                pass
            except Exception as exc:
                found[(name, "wrong_type")] = f"object() as first argument raised {type(exc).__name__}: {str(exc)[:100]}"

    print(f"\ncontract: {n_checked} public metric functions checked")
    new = {k: v for k, v in found.items() if k not in KNOWN}
    fixed = [k for k in KNOWN if k not in found]
    lines = [f"{n} [{c}]: {why}" for (n, c), why in sorted(new.items())]
    assert not new, "contract violations:\n" + "\n".join(lines)
    assert not fixed, f"fixed, remove from KNOWN in tests/test_contract.py: {fixed}"


def test_the_contract_checks_can_fail():
    """The checks above reject what they should (a test that cannot fail proves nothing)."""
    case = Case(lambda i: ((), {}))
    assert check_output("f", case, np.ones(3))  # bare array
    assert ("labelled", "result has an unnamed RangeIndex") in check_output("f", case, pd.Series([1.0, 2.0]))
    s = pd.Series([1.0], index=pd.Index(["a"], name="sector"))
    assert check_output("f", case, s) == [("metric", "no .attrs['metric']")]
    s.attrs = {"metric": "m"}
    assert check_output("f", case, s) == []
    t = random_table(2, 2, seed=1)
    before = fingerprint(t)
    t.Y.iloc[0, 0] += 1e-9
    assert fingerprint(t) != before
    assert MSG.match("The 'damping' parameter of pagerank must be a float in (0, 1). Got 1.5 instead.")
    assert not MSG.match("damping must be in (0, 1)")


# issue 22: cost-push prices and cumulative tariffs
CASES.update({
    "resilience.price_shock": Case(lambda i: ((i["table"],), {"cost": {"value_added": 0.1}}),
                                   bad=({"passthrough": 2.0}, "passthrough")),
    "resilience.tariff_shock": Case(lambda i: ((i["table"],), {"tariffs": {"R1": 0.1}}), bad=({"tariffs": "high"}, "tariffs")),
})
NOT_METRICS.update({"resilience.PriceResult": "result class", "resilience.TariffResult": "result class"})
