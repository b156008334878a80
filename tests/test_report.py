"""The report's Key findings: every number links to a table cell and equals it (on the rendered page)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

import valuechain as vc
from conftest import random_table

NUM = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


class _Page(HTMLParser):
    """Collects the findings (text and citations) and every table cell keyed by (anchor, row key, column)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: dict[tuple[str, str, str], str] = {}
        self.cites: list[dict] = []
        self.findings: list[str] = []
        self._anchor = self._row = self._col = None
        self._buf: list[str] | None = None
        self._cite: dict | None = None
        self._in_findings = False
        self._li: list[str] | None = None
        self.sections: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.sections.append(a.get("id", ""))
        if tag == "table" and "data-anchor" in a:
            self._anchor = a["data-anchor"]
        elif tag == "tr" and self._anchor is not None:
            self._row = a.get("data-key")
        elif tag == "td" and self._anchor is not None and "data-col" in a:
            self._col, self._buf = a["data-col"], []
        elif tag == "ol" and "vc-findings" in (a.get("class") or ""):
            self._in_findings = True
        elif tag == "li" and self._in_findings:
            self._li = []
        elif tag == "a" and "vc-cite" in (a.get("class") or ""):
            self._cite = {"ref": a["data-ref"], "row": a["data-row"], "col": a["data-col"], "text": ""}

    def handle_endtag(self, tag):
        if tag == "td" and self._buf is not None:
            self.cells[(self._anchor, self._row, self._col)] = "".join(self._buf).strip()
            self._buf = None
        elif tag == "table":
            self._anchor = None
        elif tag == "a" and self._cite is not None:
            self.cites.append(self._cite)
            self._cite = None
        elif tag == "li" and self._li is not None:
            self.findings.append("".join(self._li).strip())
            self._li = None
        elif tag == "ol":
            self._in_findings = False

    def handle_data(self, data):
        if self._buf is not None:
            self._buf.append(data)
        if self._cite is not None:
            self._cite["text"] += data
        if self._li is not None:
            self._li.append(data)


def _parse(html: str) -> _Page:
    p = _Page()
    p.feed(html)
    return p


def _num(text: str) -> float:
    m = NUM.search(text)
    assert m, text
    return float(m.group().replace(",", "").replace("+", ""))


def _check_citations(page: _Page) -> None:
    assert page.cites, "the findings cite no table"
    for c in page.cites:
        key = (c["ref"], c["row"], c["col"])
        assert key in page.cells, f"cited cell {key} is not shown in the report"
        assert _num(c["text"]) == _num(page.cells[key]), (c, page.cells[key])


@pytest.fixture(scope="module")
def brazil_page() -> str:
    a = vc.datasets.load("brazil", year=2019)
    b = vc.datasets.load("brazil", year=2021)
    return vc.views.dataset_report(a, b, strict=True)


def test_demo_report_opens_with_findings_in_volume_terms(brazil_page):
    page = _parse(brazil_page)
    assert page.sections[0] == "findings"  # the first thing on the page
    assert 5 <= len(page.findings) <= 8
    first = page.findings[0]
    assert "volume" in first and "2019" in first and "2021" in first
    # the numbers are right: chain-linked by hand from IBGE's previous-year-price tables
    b = vc.datasets.load
    x19, x20 = b("brazil", year=2019).x.sum(), b("brazil", year=2020).x.sum()
    p20 = b("brazil", year=2020, prices="previous_year").x.sum()
    p21 = b("brazil", year=2021, prices="previous_year").x.sum()
    vol = 100 * ((p21 / x20) * (p20 / x19) - 1)
    cited = {(c["ref"], c["col"]): _num(c["text"]) for c in page.cites if c["row"] == "BRA · All industries"}
    assert cited[("t-growth", "volume change %")] == round(vol, 1)  # +1.6 %, not the +30 % at current prices
    assert cited[("t-growth", "current-price change %")] == round(100 * (b("brazil", year=2021).x.sum() / x19 - 1), 1)
    # which industries moved and where import dependence rose
    text = " ".join(page.findings)
    assert "network" in text and "import" in text.lower()
    assert any(c["ref"] == "t-movers" for c in page.cites)
    assert any(c["ref"] == "t-imports" and c["col"] == "change pp" for c in page.cites)
    # every sentence has a number
    assert all(NUM.search(f) for f in page.findings)


def test_every_number_in_the_findings_equals_the_cited_cell(brazil_page):
    _check_citations(_parse(brazil_page))


def test_import_dependence_matches_an_independent_computation(brazil_page):
    page = _parse(brazil_page)
    for y in (2019, 2021):
        t = vc.datasets.load("brazil", year=y)
        imp = t.primary_inputs("imports")
        share = 100 * imp.sum() / (t.Z.to_numpy().sum() + imp.sum())
        cell = page.cells[("t-imports", "BRA · All industries", f"import share of inputs % {y}")]
        assert _num(cell) == round(share, 1)


@pytest.mark.parametrize("case", ["single", "mrio_pair"])
def test_findings_cite_real_cells_on_other_tables(case):
    if case == "single":
        html = vc.views.dataset_report(vc.datasets.load("testmrio"), strict=True)
    else:
        a = random_table(3, 4, seed=0)
        b = random_table(3, 4, seed=1).replace(meta={**a.meta.to_dict(), "year": 2021})
        html = vc.views.dataset_report(a, b, strict=True)
        assert "CURRENT PRICES" in html  # no volumes: said loudly
    page = _parse(html)
    assert page.sections[0] == "findings" and 4 <= len(page.findings) <= 8
    _check_citations(page)


def test_sections_degrade_with_a_reason():
    html = vc.views.dataset_report(vc.datasets.load("miller_blair"), strict=True)
    assert "Not available for a single-region table" in html and "testmrio" in html


def test_failed_section_says_what_to_do(monkeypatch):
    from valuechain.views import _sections

    def boom(ctx):
        raise MemoryError("too big")

    monkeypatch.setattr(_sections, "ADAPTERS", [*_sections.ADAPTERS[:1], ("IO position", boom)])
    html = vc.views.dataset_report(vc.datasets.load("miller_blair"))
    assert "could not be computed" in html and "What to do: the table is too large" in html


def test_metric_names_have_glossary_tooltips(brazil_page):
    assert 'title="Share of inputs that moved between supplier regions' in brazil_page
    assert ">sourcing shift</th>" in brazil_page  # plain label shown, raw name kept in data-col
    assert "@media print" in brazil_page


def test_communities_are_named():
    html = vc.views.dataset_report(vc.datasets.load("brazil", year=2021), strict=True)
    page = _parse(html)
    names = {k[1] for k in page.cells if k[0] == "t-communities"}
    assert names and all(re.search("[A-Za-z]{3}", n) for n in names)  # named by members, not numbered 0-5


# ---------------------------------------------------------------- scenario runs (price model, issue 22)
@pytest.fixture(scope="module")
def brazil_price_run():
    t2 = vc.datasets.load("brazil", year=2021)
    return vc.resilience.price_shock(t2, fixed={"Electricity & gas": 0.6})


def test_price_scenario_in_the_report_with_a_cited_consumer_price_finding(brazil_price_run):
    t = vc.datasets.load("brazil", year=2021)
    q = vc.resilience.demand_shock(t, -0.05 * t.f)
    html = vc.views.dataset_report(t, strict=True, scenarios={"gas +60 %": brazil_price_run, "demand -5 %": q})
    page = _parse(html)
    _check_citations(page)
    sentence = [f for f in page.findings if "gas +60 %" in f]
    assert sentence and "household consumption" in sentence[0]
    hh = [c for c in page.cites if c["ref"] == "t-scenario-1" and c["col"] == "cost increase %"]
    assert len(hh) == 1
    expected = 100 * brazil_price_run.final_demand.loc[("BRA", "households"), "cost_increase"]
    assert _num(hh[0]["text"]) == pytest.approx(round(expected, 2))
    assert round(expected, 2) == 2.43  # +60 % on Electricity & gas -> households +2.43 % (test_prices)
    assert "Scenarios side by side" in html and "Key findings" in html


def test_report_scenarios_are_checked():
    t = vc.datasets.load("miller_blair")
    with pytest.raises(vc.errors.ParameterError, match="scenarios"):
        vc.views.dataset_report(t, scenarios=[1.0])


def test_cli_report_with_a_price_scenario(tmp_path):
    from typer.testing import CliRunner

    from valuechain.cli import app

    out = tmp_path / "r.html"
    res = CliRunner().invoke(app, ["report", "--dataset", "brazil", "--year", "2021", "--fix-price",
                                   "Electricity & gas=+0.6", "--out", str(out), "--strict"])
    assert res.exit_code == 0, res.output
    page = _parse(out.read_text())
    _check_citations(page)
    assert any("price of Electricity & gas +60 %" in f and "+2.43 %" in f for f in page.findings)
    res = CliRunner().invoke(app, ["report", "--dataset", "brazil", "--fix-price", "gas", "--out",
                                   str(tmp_path / "x.html")])
    assert res.exit_code == 2 and "--fix-price" in res.output
