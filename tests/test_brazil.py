"""The embedded 'brazil' dataset (IBGE supply-use tables shipped by iotbr) against IBGE's published totals."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from valuechain.errors import DatasetError, ParameterError


def ibge_file(name: str) -> Path:
    import iotbr

    return Path(iotbr.__file__).parent / "IBGE" / "nivel_68_2010_2021_xls" / name


def published(year: int) -> dict:
    """IBGE's published totals, read independently with pandas (not with the module under test)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prod = pd.read_excel(ibge_file(f"68_tab1_{year}.xls"), sheet_name="producao", header=None)
        ci = pd.read_excel(ibge_file(f"68_tab2_{year}.xls"), sheet_name="CI", header=None)
        va = pd.read_excel(ibge_file(f"68_tab2_{year}.xls"), sheet_name="VA", header=None)
    tot = prod[prod[0].astype(str).str.strip() == "Total"].iloc[0]
    body = prod[prod[0].astype(str).str.fullmatch(r"\d{5}")]
    neg = -np.minimum(body.iloc[:, 2:70].to_numpy(dtype=float), 0).sum(axis=0)  # negative make entries
    ci_tot = ci[ci[0].astype(str).str.strip() == "Total"].iloc[0]
    gva = va[va[0].astype(str).str.startswith("Valor adicionado bruto")].iloc[0]
    return {"output": tot.iloc[2:70].to_numpy(dtype=float), "total_output": float(tot.iloc[70]),
            "ci": ci_tot.iloc[2:70].to_numpy(dtype=float), "va": gva.iloc[1:69].to_numpy(dtype=float),
            "moved": neg}


@pytest.mark.parametrize("year", [2019, 2021])
def test_brazil_matches_ibge_published_totals(year):
    t = vc.datasets.load("brazil", year=year)
    pub = published(year)
    assert t.n == 68 and t.regions.tolist() == ["BRA"]
    assert t.meta.name == "brazil" and t.meta.year == year and t.meta.unit == "BRL million"
    assert t.meta.source == "IBGE via iotbr (Tabelas de Recursos e Usos, 68 activities)"
    assert t.meta.prices == "current"
    # total output within 0.1 % of IBGE's published total; by industry exact up to the moved negative entries
    assert t.x.sum() == pytest.approx(pub["total_output"], rel=1e-3)
    np.testing.assert_allclose(t.x.to_numpy(), pub["output"] + pub["moved"], rtol=1e-9)
    # domestic + imported intermediate inputs (+ net product taxes) = published intermediate consumption
    inputs = t.Z.sum(axis=0) + t.primary_inputs("imports") + t.primary_inputs("taxes")
    np.testing.assert_allclose(inputs.to_numpy(), pub["ci"] + pub["moved"], rtol=1e-9, atol=1e-6)
    assert inputs.sum() == pytest.approx(pub["ci"].sum(), rel=1e-3)
    # the value_added rows (and only they) add up to IBGE's gross value added, by industry
    np.testing.assert_allclose(t.v.to_numpy(), pub["va"], rtol=1e-9, atol=1e-6)
    assert t.V.index.get_level_values("kind").tolist()[:2] == ["imports", "taxes"]
    # the table balances and all flows are non-negative
    s = t.summary()
    assert s["max_row_imbalance_rel"] < 1e-9 and s["max_col_imbalance_rel"] < 1e-9
    assert (t.Z.to_numpy() >= 0).all()


def test_brazil_labels_and_final_demand():
    t = vc.datasets.load("brazil", year=2019)
    assert t.sectors[0] == "Agriculture" and "Wholesale & retail trade" in t.sectors
    assert max(len(s) for s in t.sectors) <= 35
    cats = t.Y.columns.get_level_values("category").tolist()
    assert cats == ["exports", "government", "npish", "households", "gfcf", "inventories"]
    coded = vc.datasets.load("brazil", year=2019, labels="code")
    assert coded.sectors[0] == "0191"
    np.testing.assert_allclose(coded.x.to_numpy(), t.x.to_numpy())


def test_brazil_default_year_previous_year_prices_and_model_b():
    assert vc.datasets.load("brazil").meta.year == 2021
    p = vc.datasets.load("brazil", year=2021, prices="previous_year")
    assert p.meta.prices == "previous-year" and p.n == 68
    assert p.V.index.tolist() == [("imports", "imports"), ("taxes", "taxes less subsidies on products"),
                                  ("value_added", "value_added")]
    # 2021 at 2020 prices is below 2021 at current prices (positive inflation)
    assert p.x.sum() < vc.datasets.load("brazil", year=2021).x.sum()
    b = vc.datasets.load("brazil", year=2020, model="B")
    assert b.n == 128


def test_brazil_cached_in_memory():
    from valuechain.datasets import brazil

    vc.datasets.load("brazil", year=2019)
    before = brazil._parsed.cache_info().hits
    vc.datasets.load("brazil", year=2019)
    assert brazil._parsed.cache_info().hits == before + 1


def test_brazil_bad_arguments():
    with pytest.raises(DatasetError, match="no year 2009"):
        vc.datasets.load("brazil", year=2009)
    with pytest.raises(DatasetError, match="previous_year"):
        vc.datasets.load("brazil", year=2010, prices="previous_year")
    with pytest.raises(ParameterError, match="'prices' parameter"):
        vc.datasets.load("brazil", year=2019, prices="constant")


def test_brazil_2021_gva_and_gdp_equal_ibge():
    """IBGE, Contas Nacionais 2021 (current prices, BRL million): GVA 7,713,999; GDP 9,012,142 =
    final demand 10,683,615 - imports 1,671,473 (expenditure side)."""
    t = vc.datasets.load("brazil", year=2021)
    assert t.v.sum() == pytest.approx(7_713_999, abs=1)
    assert t.gdp.loc["BRA"] == pytest.approx(9_012_142, abs=1)
    final_uses = t.Y.to_numpy().sum() + t.VY.to_numpy().sum()
    imports = t.primary_inputs("imports").sum() + t.primary_inputs("imports", final_demand=True).sum()
    assert final_uses == pytest.approx(10_683_615, abs=1)
    assert imports == pytest.approx(1_671_473, abs=1)
    assert t.gdp.loc["BRA"] == pytest.approx(final_uses - imports, abs=1e-6)
    m = vc.position.multipliers(t)
    assert m["value_added"].mean() == pytest.approx(0.76, abs=0.005)
    assert m.loc[("BRA", "Electronics"), "value_added"] == pytest.approx(0.41, abs=0.005)
    np.testing.assert_allclose(m[["value_added", "imports", "taxes", "other"]].sum(axis=1), 1.0, atol=1e-12)
    assert (m["value_added"] <= 1 + 1e-12).all() and (m["value_added"] < 0.99).mean() > 0.9
