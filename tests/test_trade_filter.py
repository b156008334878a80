"""The where= language of trade tables, the DuckDB lockdown, and the import graph around the trade readers."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from valuechain.trade import parse_filter

COLS = ["year", "exporter", "importer", "product", "value", "quantity", "flow"]


@pytest.fixture(scope="module")
def tt():
    return vc.TradeTable.from_frame(pd.DataFrame({
        "year": [2020, 2020, 2021, 2021], "exporter": ["DEU", "FRA", "DEU", "NA"],
        "importer": ["FRA", "DEU", "CHN", "DEU"], "product": ["870323", "870324", "870323", "0101"],
        "value": [10.0, 5.0, 7.0, 1.0], "quantity": [1.0, np.nan, 2.0, 3.0]}))


@pytest.mark.parametrize("where,expected", [
    ("value > 6", 17.0),
    ("importer <> 'CHN'", 16.0),
    ("exporter = 'DEU' and (year = 2021 or importer = 'FRA')", 17.0),
    ("product in ('870323', '0101')", 18.0),
    ("product not in ('870323')", 6.0),
    ("not exporter = 'DEU'", 6.0),
    ("value between 5 and 7", 12.0),
    ("quantity is null", 5.0),
    ("quantity is not null and exporter = 'NA'", 1.0),  # 'NA' (Namibia) is a label
    ("product like '8703%'", 22.0),
    ('"value" >= 7 AND "importer" != \'DEU\'', 17.0),
    ("exporter = 'O''Brien'", 0.0),
])
def test_filters_select_rows(tt, where, expected):
    assert tt.aggregate([], where=where)["value"].tolist() == [expected]
    assert tt.filter(where=where).aggregate([])["value"].tolist() == [expected]


@pytest.mark.parametrize("where,match", [
    ("value > 1; DROP TABLE x", "unexpected character ';'"),
    ("value > (SELECT 1)", "expected a quoted string or a number"),
    ("exporter = 'A' or read_text('/etc/passwd') IS NOT NULL", "'read_text' is not a column"),
    ("length(exporter) > 2", "'length' is not a column"),
    ("value > 1e999", "not finite"),
    ("value >", "expected a value"),
    ("", "empty"),
    ("exporter = 'A' -- comment", "unexpected character '-'"),
    ("exporter = \"DEU\"", "expected a quoted string or a number"),
])
def test_filters_refuse_everything_else(tt, where, match):
    with pytest.raises(vc.ParameterError, match=match):
        tt.aggregate([], where=where)


def test_filter_sql_is_built_from_quoted_parts():
    f = parse_filter("importer in ('CHN', 'HKG') and not value < 0.5", COLS)
    assert f.sql() == '(("importer" IN (\'CHN\', \'HKG\')) AND (NOT ("value" < 0.5)))'
    assert f.columns == {"importer", "value"}
    assert parse_filter(f, COLS) is f
    with pytest.raises(vc.ParameterError, match="does not have"):
        parse_filter(f, ["value"])


def test_trade_graph_product_selection_still_works(tt):
    g = vc.trade_graph(tt, product=["870323"], year=2021)
    assert g.adjacency.sum() == 7.0


def test_queries_cannot_reach_the_disk(tt, tmp_path):
    for q in ("SELECT * FROM read_text('/proc/self/environ')", f"COPY (SELECT 1) TO '{tmp_path / 'x.csv'}'",
              f"ATTACH '{tmp_path / 'db.duckdb'}'", "SET enable_external_access = true"):
        with pytest.raises(vc.ParameterError):
            tt.sql(q)
    assert list(tmp_path.iterdir()) == []
    p = tt.to_parquet(tmp_path / "t.parquet")  # our own writer still works (Arrow, not DuckDB's COPY)
    assert vc.trade.read(p).aggregate([])["value"].tolist() == [23.0]


def test_from_frame_refuses_non_finite_values():
    df = pd.DataFrame({"year": [2020], "exporter": ["A"], "importer": ["B"], "product": ["x"], "value": [np.inf]})
    with pytest.raises(vc.TableError, match="expected a finite number"):
        vc.TradeTable.from_frame(df)
    with pytest.raises(vc.TableError, match="expected a finite number"):
        vc.TradeTable.from_frame(df.assign(value=1.0, quantity=1e308))


def test_limits_are_checked_and_scoped():
    with pytest.raises(vc.ParameterError, match="'max_lines' parameter of limits is not a cap"):
        vc.limits(max_lines=3)
    with pytest.raises(vc.ParameterError, match="positive number"):
        vc.limits(max_dense_bytes=-1)
    with vc.limits(max_abs_value=10.0):
        with pytest.raises(vc.TableError, match="magnitude at most 10"):
            vc.TradeTable.from_frame(pd.DataFrame({"year": [2020], "exporter": ["A"], "importer": ["B"],
                                                   "product": ["x"], "value": [11.0]}))
    assert vc.limits().max_abs_value == 1e20


# --------------------------------------------------------------------------- import graph
PKG = Path(vc.__file__).resolve().parent
MINE = ("valuechain.trade", "valuechain._limits", "valuechain._safeio", "valuechain._columns",
        "valuechain.datasets.baci", "valuechain.datasets.comtrade", "valuechain.datasets.exiobase",
        "valuechain.datasets.generic", "valuechain.datasets._parse")


def _graph() -> dict[str, set[str]]:
    mods = {}
    for f in PKG.rglob("*.py"):
        parts = list(f.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = f
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for m, f in mods.items():
        base = m.split(".") if f.name == "__init__.py" else m.split(".")[:-1]
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):  # module- and function-level imports
            names = []
            if isinstance(node, ast.ImportFrom):
                mod = ".".join(base[:len(base) - node.level + 1] + ([node.module] if node.module else [])) \
                    if node.level else (node.module or "")
                names = [mod + "." + a.name if mod + "." + a.name in mods else mod for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for n in names:
                while n and n not in mods:
                    n = n.rpartition(".")[0]
                if n and n != m:
                    graph[m].add(n)
    return graph


def _reaches(graph, a, b) -> bool:
    seen, todo = set(), [a]
    while todo:
        x = todo.pop()
        if x == b:
            return True
        if x not in seen:
            seen.add(x)
            todo.extend(graph[x])
    return False


def test_no_import_cycle_through_the_trade_and_reader_modules():
    g = _graph()
    for m in [m for m in g if m.startswith(MINE)]:
        for dep in g[m]:
            assert not _reaches(g, dep, m), f"import cycle: {m} -> {dep} -> ... -> {m}"
