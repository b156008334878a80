"""TradeTable, the BACI and Comtrade readers, and the `valuechain trade` CLI.

Oracles: tiny files written here in the published layouts with hand-computed
aggregates; real extracts in ../shared/data checked against plain pandas on the
raw files.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import valuechain as vc
from valuechain.errors import ParameterError, ReadError, TableError

from conftest import shared_data

# --------------------------------------------------------------------------- fixtures
COUNTRY_HEADER = '"country_code","country_name_abbreviation","country_name_full","iso_2digit_alpha","iso_3digit_alpha"'
COUNTRIES = [
    '4,"Afghanistan","Afghanistan","AF","AFG"',
    '251,"France","France","FR","FRA"',
    '276,"Germany","Germany","DE","DEU"',
    '490,"Other Asia, nes","Other Asia, not elsewhere specified","N/A","N/A"',
]
# 2021: hand-checked totals below.  999 is not in the country file, 490 has no ISO3.
ROWS_2021 = [
    '2021,4,251,10121,1.5,"        2.000"',
    "2021,4,276,10121,2.5,           NA",
    "2021,4,251,870323,4.0,        1.000",
    "2021,251,276,870323,10.0,        3.000",
    "2021,276,251,870323,20.0,        5.000",
    "2021,276,4,10121,0.5,        NA",
    "2021,999,251,10121,1.0,1",
    "2021,490,276,870324,3.0,NA",
]
ROWS_2022 = ["2022,4,251,10121,7.0,1.0", "2022,276,251,870323,2.0,"]


def write_baci(folder: Path, rows: list[str], year: int = 2021, header: str = "t,i,j,k,v,q",
               gz: bool = False, countries: bool = True, crlf: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nl = "\r\n" if crlf else "\n"
    text = nl.join([header] + rows) + nl
    name = f"BACI_HS92_Y{year}_V202301.csv"
    if gz:
        p = folder / (name + ".gz")
        p.write_bytes(gzip.compress(text.encode()))
    else:
        p = folder / name
        p.write_text(text)
    if countries:
        (folder / "country_codes_V202301.csv").write_text("\n".join([COUNTRY_HEADER] + COUNTRIES) + "\n",
                                                           encoding="latin-1")
        (folder / "product_codes_HS92_V202301.csv").write_text(
            'code,description\n"010121","Horses: live, pure-bred breeding"\n870323,"Cars, 1500-3000 cc"\n'
            "870324,Cars over 3000 cc\n")
    return p


@pytest.fixture(params=[None, False], ids=["materialized", "in_place"])
def baci(tmp_path, request) -> vc.TradeTable:
    return vc.trade.read(write_baci(tmp_path, ROWS_2021), format="baci", materialize=request.param)


def matrix_dict(m: pd.DataFrame) -> dict:
    return {(r, c): v for (r, c), v in m.stack().items() if v != 0}


# --------------------------------------------------------------------------- BACI tiny
def test_baci_exporter_product_matrix_hand_values(baci):
    m = baci.matrix("exporter", "product")
    assert m.index.name == "exporter" and m.columns.name == "product"
    assert list(m.index) == ["490", "999", "AFG", "DEU", "FRA"]
    assert list(m.columns) == ["010121", "870323", "870324"]
    assert matrix_dict(m) == {("AFG", "010121"): 4.0, ("AFG", "870323"): 4.0, ("FRA", "870323"): 10.0,
                              ("DEU", "870323"): 20.0, ("DEU", "010121"): 0.5, ("999", "010121"): 1.0,
                              ("490", "870324"): 3.0}
    assert m.loc["FRA", "010121"] == 0.0  # zeros for missing cells
    assert m.attrs["unit"] == "thousand USD" and m.attrs["year"] == 2021


def test_baci_bilateral_matrix_hand_values(baci):
    m = baci.matrix("exporter", "importer")
    assert matrix_dict(m) == {("AFG", "FRA"): 5.5, ("AFG", "DEU"): 2.5, ("FRA", "DEU"): 10.0, ("DEU", "FRA"): 20.0,
                              ("DEU", "AFG"): 0.5, ("999", "FRA"): 1.0, ("490", "DEU"): 3.0}


def test_baci_quantities_skip_missing(baci):
    a = baci.aggregate(["exporter"]).set_index("exporter")
    assert a["value"].to_dict() == {"490": 3.0, "999": 1.0, "AFG": 8.0, "DEU": 20.5, "FRA": 10.0}
    assert a.loc["AFG", "quantity"] == 3.0 and a.loc["DEU", "quantity"] == 5.0
    assert np.isnan(a.loc["490", "quantity"])  # all quantities missing -> NaN
    assert baci.quantity_unit == "tonnes"
    q = baci.matrix("exporter", "product", values="quantity")
    assert q.loc["AFG", "010121"] == 2.0 and q.attrs["unit"] == "tonnes"


def test_baci_meta_labels_and_unmapped(baci):
    assert baci.meta.unit == "thousand USD" and baci.meta.system == "HS92" and baci.meta.source == "CEPII BACI"
    assert baci.years == [2021] and len(baci) == 8
    assert baci.unmapped_countries == ["490", "999"]
    assert baci.aggregate(["product"]).attrs["unmapped_countries"] == ["490", "999"]
    assert baci.labels("product") == ["010121", "870323", "870324"]
    assert baci.product_names["870323"] == "Cars, 1500-3000 cc"
    assert set(baci.countries["iso3"].dropna()) == {"AFG", "FRA", "DEU"}
    total = baci.aggregate([])
    assert total["value"].tolist() == [42.5]


def test_baci_unknown_countries_raise(tmp_path):
    with pytest.raises(ReadError, match=r"490, 999"):
        vc.trade.read(write_baci(tmp_path, ROWS_2021), format="baci", unknown_countries="raise")


def test_baci_without_country_file_keeps_numeric_codes(tmp_path):
    tt = vc.trade.read(write_baci(tmp_path, ROWS_2021, countries=False), format="baci")
    assert tt.labels("exporter") == ["251", "276", "4", "490", "999"]
    assert tt.unmapped_countries == []
    assert tt.aggregate(["exporter"], exporters="4")["value"].tolist() == [8.0]


def test_baci_codes_sharing_an_iso3_merge(tmp_path):
    p = write_baci(tmp_path, ["2021,56,251,10121,1.0,1", "2021,58,251,10121,2.0,1", "2021,58,276,10121,4.0,NA"])
    with open(tmp_path / "country_codes_V202301.csv", "a", encoding="latin-1") as fh:
        fh.write('56,"Belgium","Belgium","BE","BEL"\n58,"Belgium-Luxembourg","Belgium-Luxembourg","N/A","BEL"\n')
    tt = vc.trade.read(p, format="baci")
    a = tt.aggregate(["exporter", "importer"])
    assert a[["exporter", "importer", "value"]].values.tolist() == [["BEL", "DEU", 4.0], ["BEL", "FRA", 3.0]]
    assert a["quantity"].tolist()[1] == 2.0 and np.isnan(a["quantity"].tolist()[0])
    assert tt.matrix("exporter", "importer").loc["BEL", "FRA"] == 3.0
    assert tt.aggregate([], exporters="BEL")["value"].tolist() == [7.0]


def test_baci_filters_fast_path_equals_sql_path(baci):
    fast = baci.aggregate(["importer"], exporters="AFG")
    slow = baci.aggregate(["importer"], where="exporter = 'AFG'")
    assert fast.equals(slow)
    assert fast.set_index("importer")["value"].to_dict() == {"DEU": 2.5, "FRA": 5.5}
    # unmapped labels and products filter through the integer codes as well
    assert baci.aggregate(["product"], exporters=["490", "999"])["value"].tolist() == [1.0, 3.0]
    assert baci.aggregate([], products=["870323"])["value"].tolist() == [34.0]
    assert baci.aggregate([], products="10121")["value"].tolist() == [0.0]  # labels are 6-digit codes
    assert baci.aggregate(["exporter"], years=2020).empty


@pytest.mark.parametrize("materialize", [True, False])
def test_baci_unvalidated_read_gives_the_same_results(tmp_path, materialize):
    p = write_baci(tmp_path, ROWS_2021 + ["2021,58,4,10121,1.0,1"])
    checked = vc.trade.read(p, format="baci")
    lazy = vc.trade.read(p, format="baci", validate=False, materialize=materialize)
    assert lazy.years == [2021] and lazy.n_rows == 9
    assert lazy.matrix("exporter", "product").equals(checked.matrix("exporter", "product"))
    assert lazy.aggregate(["importer", "product"]).equals(checked.aggregate(["importer", "product"]))


def test_baci_glob_of_years_gzip_crlf(tmp_path):
    write_baci(tmp_path, ROWS_2021, gz=True, crlf=True)
    write_baci(tmp_path, ROWS_2022, year=2022)
    tt = vc.trade.read(str(tmp_path / "BACI_HS92_Y*"), format="baci")
    assert tt.years == [2021, 2022] and len(tt) == 10
    assert tt.meta.year is None
    m22 = tt.matrix("exporter", "importer", year=2022)
    assert matrix_dict(m22) == {("AFG", "FRA"): 7.0, ("DEU", "FRA"): 2.0}
    by_year = tt.aggregate(["year"])
    assert by_year["value"].tolist() == [42.5, 9.0] and by_year["year"].dtype == np.int64
    assert vc.trade.read(tmp_path, format="baci").years == [2021, 2022]  # folder: every BACI_*.csv*


def test_map_products_callable_dict_shares_and_unmapped(baci):
    hs2 = baci.aggregate(["product"], product_map=lambda p: p[:2]).set_index("product")["value"]
    assert hs2.to_dict() == {"01": 5.5, "87": 37.0}
    # integer keys are zero-padded to HS6; unmapped products raise by default
    with pytest.raises(TableError, match="870324"):
        baci.map_products({10121: "animals", 870323: "cars"})
    drop = baci.map_products({10121: "animals", 870323: "cars"}, unmapped="drop")
    assert drop.aggregate(["product"])["value"].tolist() == [5.5, 34.0]
    keep = baci.map_products({10121: "animals"}, unmapped="keep")
    assert keep.labels("product") == ["870323", "870324", "animals"]
    shares = pd.DataFrame({"code": ["870323", "870323", "870324", "010121"], "group": ["a", "b", "b", "c"],
                           "share": [0.25, 0.75, 1.0, 1.0]})
    s = baci.aggregate(["product"], product_map=shares).set_index("product")["value"]
    assert s.to_dict() == {"a": 8.5, "b": 25.5 + 3.0, "c": 5.5}
    named = baci.map_products(lambda p: "cars" if p.startswith("87") else None, unmapped="drop", name="chain")
    assert "chain" in named.columns and named.aggregate(["chain", "product"])["value"].tolist() == [34.0, 3.0]
    with pytest.raises(ParameterError, match="several groups"):
        baci.map_products({"870323": "a"} | {870323: "b"})


def test_rca_hand_values(baci):
    r = baci.rca(product_map=lambda p: p[:2])
    # X = 42.5; X_01 = 5.5, X_87 = 37; AFG exports 4 of its 8 in '01' -> (4/8)/(5.5/42.5)
    assert r.loc["AFG", "01"] == pytest.approx((4 / 8) / (5.5 / 42.5))
    assert r.loc["FRA", "87"] == pytest.approx(1.0 / (37 / 42.5))
    assert r.loc["FRA", "01"] == 0.0
    assert r.attrs["metric"] == "rca"
    # the weighted average of RCA over products, weighted by world shares, is 1 for every country
    xp = baci.aggregate(["product"], product_map=lambda p: p[:2]).set_index("product")["value"]
    assert (r * (xp / xp.sum())).sum(axis=1).to_numpy() == pytest.approx(np.ones(len(r)))


def test_to_parquet_roundtrip_file_and_year_folder(tmp_path, baci):
    write_baci(tmp_path / "b", ROWS_2022, year=2022)
    two = vc.trade.read(str(tmp_path / "b" / "BACI*.csv"), format="baci")
    p = baci.to_parquet(tmp_path / "out" / "t.parquet")
    back = vc.trade.read(p)
    assert back.meta == baci.meta and back.quantity_unit == "tonnes"
    assert back.unmapped_countries == ["490", "999"]
    assert back.matrix("exporter", "product").equals(baci.matrix("exporter", "product"))
    assert back.product_names["870323"] == "Cars, 1500-3000 cc"
    assert back.map_products({10121: "h"}, unmapped="keep").labels("product")[-1] == "h"  # width kept
    assert sorted(x.name for x in p.parent.iterdir()) == ["t.parquet"]  # no temp file left
    panel = two.to_parquet(tmp_path / "panel", by_year=True)
    assert sorted(x.name for x in panel.iterdir()) == ["_meta.json", "year_2022.parquet"]
    again = vc.trade.read(panel, format="parquet")
    assert again.years == [2022] and again.to_pandas()["value"].sum() == 9.0
    with pytest.raises(ParameterError, match="folder is not empty"):  # never replaced silently
        two.to_parquet(panel, by_year=True)
    two.to_parquet(panel, by_year=True, force=True)  # force replaces an earlier by_year output
    assert sorted(x.name for x in panel.iterdir()) == ["_meta.json", "year_2022.parquet"]
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("x")
    with pytest.raises(ParameterError, match="did not write"):  # not even with force
        two.to_parquet(tmp_path / "other", by_year=True, force=True)
    assert sorted(x.name for x in (tmp_path / "other").iterdir()) == ["notes.txt"]


def test_parquet_missing_columns_is_read_error(tmp_path):
    p = tmp_path / "x.parquet"
    pd.DataFrame({"year": [2020], "a": [1]}).to_parquet(p)
    with pytest.raises(ReadError, match=r"x.parquet.*lacks the trade column"):
        vc.trade.read(p, format="parquet")


# --------------------------------------------------------------------------- malformed BACI
@pytest.mark.parametrize("rows, header, pattern", [
    (ROWS_2021, "t,i,j,k,value,q", r"line 1 \(header\): expected the BACI columns t,i,j,k,v,q; found t,i,j,k,value,q"),
    (ROWS_2021[:2] + ["2021,4,36,71120,abc,0.3"], "t,i,j,k,v,q", r"line 4, column 'v': found 'abc', expected a number"),
    (ROWS_2021[:2] + ["2021,4,3x,71120,1.0,0.3"], "t,i,j,k,v,q", r"line 4, column 'j': found '3x', expected an integer"),
    (ROWS_2021[:3] + ["2021,4,36,71"], "t,i,j,k,v,q", r"line 5: expected 6 columns, found 4"),
    (ROWS_2021[:3] + ['2021,4,36,71120,"1.'], "t,i,j,k,v,q", r"line 5: a value has an unterminated quote"),
    (ROWS_2021[:2] + ["2021,4,36,71120,-2.0,0.3"], "t,i,j,k,v,q", r"line 4, column 'v': negative value \(-2.0\)"),
    (ROWS_2021[:2] + ["2021,4,36,71120,,0.3"], "t,i,j,k,v,q", r"line 4, column 'v': the value is missing"),
    (ROWS_2021[:2] + ["2021,4,36,71120,1.0,many"], "t,i,j,k,v,q", r"line 4, column 'q': found 'many'"),
    (ROWS_2021[:2] + ["2021,4,1036,71120,1.0,1"], "t,i,j,k,v,q", r"line 4, column 'j': found 1036"),
    (ROWS_2021 + [ROWS_2021[2]], "t,i,j,k,v,q", r"duplicated flow \(t=2021, i=4, j=251, k=870323\) at .* line 4 and .* line 10"),
])
@pytest.mark.parametrize("materialize", [True, False])
def test_baci_malformed_files_name_file_line_column(tmp_path, rows, header, pattern, materialize):
    p = write_baci(tmp_path, rows, header=header)
    with pytest.raises(ReadError, match=pattern) as err:
        vc.trade.read(p, format="baci", materialize=materialize)
    assert p.name in str(err.value)


def test_baci_relaxed_rules(tmp_path):
    p = write_baci(tmp_path, ROWS_2021 + [ROWS_2021[2], "2021,4,36,71120,-2.0,0.3"])
    tt = vc.trade.read(p, format="baci", duplicates="sum", allow_negative=True)
    assert tt.aggregate([], exporters="AFG")["value"].tolist() == [8.0 + 4.0 - 2.0]


def test_baci_truncated_gzip_and_empty_and_missing(tmp_path):
    p = write_baci(tmp_path, ROWS_2021 * 50, gz=True)
    p.write_bytes(p.read_bytes()[:-40])
    for materialize in (True, False):
        with pytest.raises(ReadError, match=r"BACI_HS92_Y2021_V202301.csv.gz.*truncated"):
            vc.trade.read(p, format="baci", materialize=materialize)
    e = tmp_path / "e" / "BACI_HS92_Y2020_V202301.csv"
    e.parent.mkdir()
    e.write_text("")
    with pytest.raises(ReadError, match=r"BACI_HS92_Y2020_V202301.csv: the file is empty"):
        vc.trade.read(e, format="baci")
    with pytest.raises(ReadError, match=r"nothere.csv: no such file"):
        vc.trade.read(tmp_path / "nothere.csv", format="baci")
    with pytest.raises(ParameterError, match="'format' parameter of trade.read"):
        vc.trade.read(p, format="xls")


def test_bad_query_parameters(baci):
    with pytest.raises(ParameterError, match="'by' parameter of TradeTable.aggregate"):
        baci.aggregate(["partner"])
    with pytest.raises(ParameterError, match="'nonsense_column' is not a column"):
        baci.aggregate(["exporter"], where="nonsense_column > 1")
    with pytest.raises(ParameterError, match="'values' parameter"):
        baci.matrix(values="price")
    with pytest.raises(ParameterError, match="max_rows"):
        baci.to_pandas(max_rows=3)


# --------------------------------------------------------------------------- from_frame
def test_from_frame_contract_and_input_untouched():
    df = pd.DataFrame({"year": [2020, 2020, 2021], "exporter": ["A", "B", "A"], "importer": ["B", "A", "B"],
                       "product": ["p", "p", "q"], "value": [1.0, 2.0, 3.0], "quantity": [np.nan, 1.0, 2.0]})
    before = df.copy()
    tt = vc.TradeTable.from_frame(df, meta={"unit": "USD", "source": "test"})
    assert df.equals(before)
    assert tt.years == [2020, 2021]
    out = tt.to_pandas()
    assert list(out.columns) == list(vc.trade.CANONICAL)
    assert out["value"].sum() == 6.0 and out["quantity"].isna().sum() == 1
    m = tt.matrix(year=2020)
    assert matrix_dict(m) == {("A", "p"): 1.0, ("B", "p"): 2.0}
    assert tt.filter(exporters="A").aggregate(["year"])["value"].tolist() == [1.0, 3.0]


@pytest.mark.parametrize("change, pattern", [
    (lambda d: d.drop(columns="importer"), "lacks the column"),
    (lambda d: d.assign(value=[1.0, -1.0]), "row 1 has a negative value"),
    (lambda d: d.assign(year=[2020, 2020.5]), "row 1 has year 2020.5"),
    (lambda d: d.assign(value=["1", "x"]), "row 1 has value 'x'"),
])
def test_from_frame_errors_name_the_row(change, pattern):
    df = pd.DataFrame({"year": [2020, 2020], "exporter": ["A", "B"], "importer": ["B", "A"],
                       "product": ["p", "p"], "value": [1.0, 2.0]})
    with pytest.raises(TableError, match=pattern):
        vc.TradeTable.from_frame(change(df))


# --------------------------------------------------------------------------- Comtrade tiny
COMTRADE_SNAKE = [
    "ref_year,reporter_iso,reporter_desc,flow_desc,partner_iso,partner_desc,cmd_code,cmd_desc,primary_value,net_wgt",
    '2020,FRA,France,Import,DEU,Germany,4401,"Fuel wood, logs",100.0,50',
    '2020,FRA,France,Import,CHN,China,4401,"Fuel wood, logs",20.0,',
    "2020,FRA,France,Export,DEU,Germany,4401,Fuel wood,30.0,10",
    "2020,FRA,France,Re-import,DEU,Germany,4401,Fuel wood,5.0,1",
    "2021,DEU,Germany,Import,FRA,France,030613,Shrimps,7.5,2",
]


def test_comtrade_csv_reporter_partner_and_flows(tmp_path):
    p = tmp_path / "ct.csv"
    p.write_text("\n".join(COMTRADE_SNAKE) + "\n")
    tt = vc.trade.read(p, format="comtrade")
    assert tt.meta.unit == "USD" and tt.quantity_unit == "kg" and "flow" in tt.columns
    assert tt.years == [2020, 2021] and len(tt) == 4  # re-import dropped by default
    m = tt.matrix("exporter", "importer")
    # imports: reporter = importer; exports: reporter = exporter
    assert matrix_dict(m) == {("DEU", "FRA"): 107.5 - 7.5, ("CHN", "FRA"): 20.0, ("FRA", "DEU"): 30.0 + 7.5}
    assert tt.labels("product") == ["030613", "4401"]  # codes kept as published (leading zero)
    imp = tt.aggregate(["importer"], where="flow = 'import'").set_index("importer")
    assert imp["value"].to_dict() == {"DEU": 7.5, "FRA": 120.0} and imp.loc["FRA", "quantity"] == 50.0
    everything = vc.trade.read(p, format="comtrade", flows="all")
    assert everything.labels("flow") == ["export", "import", "re-import"]
    assert vc.trade.read(p, format="comtrade", flows="import").aggregate([])["value"].tolist() == [127.5]


def test_comtrade_api_layout_tsv_gz_and_auto_format(tmp_path):
    header = "refYear\treporterCode\treporterISO\tflowCode\tpartnerCode\tpartnerISO\tcmdCode\tprimaryValue\tnetWgt"
    rows = ["2019\t76\tBRA\tX\t156\tCHN\t1201\t1000.5\t3000", "2019\t76\tBRA\tM\t32\t\t1201\t10.0\t"]
    p = tmp_path / "bulk.txt.gz"
    p.write_bytes(gzip.compress(("\n".join([header] + rows) + "\n").encode()))
    tt = vc.trade.read(p)  # auto: header has reporter and partner
    a = tt.aggregate(["exporter", "importer"])
    # partner ISO missing -> the numeric partner code is kept
    assert a.values.tolist()[0][:3] == ["32", "BRA", 10.0]
    assert a.values.tolist()[1][:3] == ["BRA", "CHN", 1000.5]


def test_comtrade_json_and_errors(tmp_path):
    recs = [{"refYear": 2010, "reporterISO": "CHN", "flowCode": "M", "partnerISO": "ARG", "cmdCode": "TOTAL",
             "primaryValue": 6.5, "netWgt": None},
            {"refYear": 2010, "reporterISO": "CHN", "flowCode": "X", "partnerISO": "ARG", "cmdCode": "TOTAL",
             "primaryValue": 2.0, "netWgt": 3}]
    p = tmp_path / "r.json"
    p.write_text(json.dumps({"elapsedTime": "0 secs", "count": 2, "data": recs}))
    tt = vc.trade.read(p)
    assert matrix_dict(tt.matrix("exporter", "importer")) == {("ARG", "CHN"): 6.5, ("CHN", "ARG"): 2.0}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"data": [recs[0], {**recs[1], "primaryValue": "lots"}]}))
    with pytest.raises(ReadError, match=r"bad.json: record 1, field 'primaryValue': found 'lots'"):
        vc.trade.read(bad, format="comtrade")
    broken = tmp_path / "broken.json"
    broken.write_text('{"data": [{"refYear": 2010,')
    with pytest.raises(ReadError, match=r"broken.json: line 1, column \d+: invalid JSON"):
        vc.trade.read(broken, format="comtrade")
    err = tmp_path / "err.json"
    err.write_text(json.dumps({"statusCode": 401, "message": "Access denied"}))
    with pytest.raises(ReadError, match="no 'data' list.*Access denied"):
        vc.trade.read(err, format="comtrade")


@pytest.mark.parametrize("lines, pattern", [
    ([COMTRADE_SNAKE[0].replace("primary_value", "price")] + COMTRADE_SNAKE[1:], r"line 1 \(header\): missing Comtrade column\(s\) for primary value"),
    (COMTRADE_SNAKE[:2] + ['2020,FRA,France,Import,CHN,China,4401,x,abc,1'], r"line 3, column 'primary_value': found 'abc'"),
    (COMTRADE_SNAKE[:2] + ['2020,FRA,France,Import,CHN,China,4401,x,-3,1'], r"line 3: negative value"),
    (COMTRADE_SNAKE[:3] + [COMTRADE_SNAKE[1]], r"line 2 and 4: duplicated flow \(year=2020, exporter=DEU, importer=FRA"),
    (COMTRADE_SNAKE[:2] + ['2020,FRA,France,Import,CHN,China,,x,3,1'], r"line 3: column 'cmd_code': the product code is missing"),
    (COMTRADE_SNAKE[:2] + ['2020,FRA,France,Import,CHN,China,4401,x,3'], r"line 3: expected 10 columns, found 9"),
])
def test_comtrade_malformed(tmp_path, lines, pattern):
    p = tmp_path / "ct.csv"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(ReadError, match=pattern) as err:
        vc.trade.read(p, format="comtrade")
    assert "ct.csv" in str(err.value)


# --------------------------------------------------------------------------- real data
def test_real_baci_2021_against_pandas():
    f = shared_data("baci_sample_iops", "BACI_HS92_Y2021_V202301_subset_exporters_4_710.csv.gz")
    raw = pd.read_csv(f, dtype={"k": str})
    tt = vc.trade.read(f)
    assert tt.meta.system == "HS92" and tt.years == [2021] and len(tt) == len(raw) == 71192
    s = tt.summary()
    assert (s["exporters"], s["importers"], s["products"]) == (2, 211, raw["k"].nunique())
    by_exp = tt.aggregate(["exporter"]).set_index("exporter")["value"]
    oracle = raw.groupby("i")["v"].sum()
    assert by_exp["AFG"] == pytest.approx(oracle[4], rel=1e-12)
    assert by_exp["ZAF"] == pytest.approx(oracle[710], rel=1e-12)
    q_oracle = pd.to_numeric(raw["q"].astype(str).str.strip(), errors="coerce").groupby(raw["i"]).sum()
    assert tt.aggregate(["exporter"]).set_index("exporter").loc["ZAF", "quantity"] == pytest.approx(q_oracle[710])
    m = tt.matrix("exporter", "product")
    assert m.shape == (2, raw["k"].nunique()) and all(len(c) == 6 for c in m.columns)
    assert m.loc["ZAF", "870323"] == pytest.approx(raw.loc[(raw.i == 710) & (raw.k == "870323"), "v"].sum())
    # the sample's V202201 country file lists Italy as 381, the V202301 data use 380
    assert tt.unmapped_countries == ["380", "490"]


def test_real_baci_2020_automotive_value_chain_concordance():
    f = shared_data("baci_sample_iops", "BACI_HS17_Y2020_V202301_subset_exporters_4_710.csv.gz")
    chain = pd.read_csv(shared_data("baci_sample_iops", "ExampleValueChain_automotive.csv"))
    raw = pd.read_csv(f, dtype={"k": str})
    raw["k"] = raw["k"].str.zfill(6)
    tt = vc.trade.read(f)
    assert tt.summary()["importers"] == 207
    tiers = tt.aggregate(["exporter", "product"], exporters="ZAF",
                         product_map=chain[["HScode", "tierNumber"]], unmapped="drop")
    merged = raw[raw.i == 710].merge(chain.assign(k=chain.HScode.astype(str).str.zfill(6)), on="k")
    oracle = merged.groupby("tierNumber")["v"].sum()
    got = tiers.set_index("product")["value"]
    assert got.to_dict() == pytest.approx({str(k): v for k, v in oracle.items()})


def test_real_comtrade_eu_imports_partner_and_world_files_agree():
    f = shared_data("comtrade_eu_wood_comtradr", "data_eu_imports_2018_2022.csv.gz")
    w = shared_data("comtrade_eu_wood_comtradr", "data_eu_imports_world_2018_2022.csv.gz")
    raw = pd.read_csv(f, dtype={"cmd_code": str})
    tt = vc.trade.read(f, format="comtrade")
    assert tt.years == [2018, 2019, 2020, 2021, 2022] and len(tt) == len(raw) == 173358
    assert len(tt.labels("importer")) == 27 and len(tt.labels("exporter")) == raw.partner_iso.nunique()
    by_year = tt.aggregate(["year"]).set_index("year")["value"]
    assert by_year.to_dict() == pytest.approx(raw.groupby("ref_year")["primary_value"].sum().to_dict(), rel=1e-12)
    # partner rows add up to the published World rows (reporter x year)
    world = vc.trade.read(w, format="comtrade")
    assert world.labels("exporter") == ["W00"]
    wy = world.aggregate(["importer", "year"]).set_index(["importer", "year"])["value"]
    py = tt.aggregate(["importer", "year"]).set_index(["importer", "year"])["value"]
    assert np.allclose(py.loc[wy.index].to_numpy(), wy.to_numpy(), rtol=1e-6)
    # Covid-19 dip: EU wood-chain imports fell in 2020 and recovered in 2021
    assert by_year[2020] < by_year[2019] < by_year[2021]


def test_real_comtrade_thailand_flows_and_json():
    f = shared_data("comtrade_eu_wood_comtradr", "example_3_thailand_shrimp_2007_2011.csv.gz")
    raw = pd.read_csv(f, dtype={"cmd_code": str})
    tt = vc.trade.read(f, format="comtrade", flows="all")
    exp = tt.aggregate(["exporter"], where="flow = 'export'")
    assert exp["exporter"].tolist() == ["THA"]
    assert exp["value"].iloc[0] == pytest.approx(raw.loc[raw.flow_code == "X", "primary_value"].sum())
    imp = tt.aggregate(["importer"], where="flow <> 'export'")
    assert imp["importer"].tolist() == ["THA"]
    assert imp["quantity"].iloc[0] == pytest.approx(raw.loc[raw.flow_code != "X", "net_wgt"].sum())
    j = shared_data("comtrade_eu_wood_comtradr", "comtrade_api_v1_response_HS-60a6ad.json")
    recs = pd.DataFrame(json.loads(j.read_text())["data"])
    api = vc.trade.read(j).to_pandas()
    assert len(api) == len(recs) and api["value"].sum() == pytest.approx(recs["primaryValue"].sum())
    for _, r in recs.iterrows():
        e, i = (r.partnerISO, r.reporterISO) if r.flowCode == "M" else (r.reporterISO, r.partnerISO)
        hit = api[(api.exporter == e) & (api.importer == i)]
        assert hit["value"].tolist() == [r.primaryValue]


# --------------------------------------------------------------------------- CLI and import cost
def test_cli_trade_commands(tmp_path):
    from valuechain.cli import app

    p = write_baci(tmp_path, ROWS_2021)
    runner = CliRunner()
    r = runner.invoke(app, ["trade", "info", str(p)])
    assert r.exit_code == 0, r.output
    assert "rows: 8" in r.output and "490, 999" in r.output
    out = tmp_path / "m.csv"
    r = runner.invoke(app, ["trade", "matrix", str(p), "--cols", "importer", "-o", str(out)])
    assert r.exit_code == 0, r.output
    m = pd.read_csv(out, index_col=0)
    assert m.loc["AFG", "FRA"] == 5.5
    r = runner.invoke(app, ["trade", "top", str(p), "--by", "exporter", "--top", "2"])
    assert r.exit_code == 0 and "DEU" in r.output
    pq = tmp_path / "t.parquet"
    r = runner.invoke(app, ["trade", "convert", str(p), str(pq)])
    assert r.exit_code == 0 and vc.trade.read(pq).n_rows == 8
    bad = write_baci(tmp_path / "bad", ROWS_2021[:1] + ["2021,4,36,71120,abc,0.3"])
    r = runner.invoke(app, ["trade", "info", str(bad)])
    assert r.exit_code == 2
    err = r.stderr if hasattr(r, "stderr") else r.output
    assert err.strip().count("\n") == 0 and "line 3, column 'v'" in err
    r = runner.invoke(app, ["trade", "top", str(p), "--by", "partner"])
    assert r.exit_code == 2


def test_import_valuechain_does_not_import_duckdb():
    code = "import sys, valuechain as vc; vc.trade; vc.TradeTable; print('duckdb' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
