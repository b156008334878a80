"""Tiny fixtures written in the exact published layouts of the multi-regional readers.

Each ``write_*`` function builds a small balanced table from known arrays and
writes it in one published layout; the arrays are returned as the oracle.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np

ICIO_FD = ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR")
SECTORS = {
    "2021": ["01T02", "05T06", "10T12"],  # ISIC rev.4 numeric ranges
    "2023": ["A01_02", "C10T12", "D"],    # letter + range
    "2025": ["A01", "A02", "C10T12"],     # letter + division
}


def balanced(nodes: int, n_fd: int, seed: int = 0, n_va: int = 2):
    """(Z, Y, V, x) with integer-ish flows, positive VA and x = Z1 + Y1 = 1'Z + 1'V."""
    rng = np.random.default_rng(seed)
    Z = rng.integers(0, 20, (nodes, nodes)).astype(float)
    Y = rng.integers(1, 30, (nodes, n_fd)).astype(float)
    x = Z.sum(1) + Y.sum(1)
    va = x - Z.sum(0)
    while (va <= 0).any():  # raise final demand of the rows until value added is positive
        Y[:, 0] += 10
        x = Z.sum(1) + Y.sum(1)
        va = x - Z.sum(0)
    shares = np.linspace(0.2, 0.4, n_va)[:, None] if n_va > 1 else np.ones((1, 1))
    V = np.vstack([va * s for s in shares[:-1, 0]] + [va * (1 - shares[:-1, 0].sum())]) if n_va > 1 else va[None]
    return Z, Y, V, x


def _csv(rows: list[list], sep: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def icio_rows(regions, sectors, fd_regions, Z, Y, V, x, *, corner="V1", tls_fd=None):
    nodes = [f"{r}_{s}" for r in regions for s in sectors]
    fd = [f"{r}_{c}" for r in fd_regions for c in ICIO_FD]
    rows = [[corner] + nodes + fd + ["OUT"]]
    for i, lab in enumerate(nodes):
        rows.append([lab] + [_g(v) for v in Z[i]] + [_g(v) for v in Y[i]] + [_g(x[i])])
    tls = np.zeros(len(fd)) if tls_fd is None else tls_fd
    rows.append(["TLS"] + [_g(v) for v in V[0]] + [_g(v) for v in tls] + [_g(V[0].sum() + tls.sum())])
    rows.append(["VA"] + [_g(v) for v in V[1]] + ["0"] * len(fd) + [_g(V[1].sum())])
    rows.append(["OUT"] + [_g(v) for v in x] + ["0"] * len(fd) + [_g(x.sum())])
    return rows


def _g(v: float) -> str:
    return repr(float(v)) if v != int(v) else str(int(v))


def write_icio(path: Path, edition: str = "2023", regions=("AUS", "DEU", "ROW"), *, corner="V1",
               fd_regions=None, seed=0, tls_fd=None):
    sectors = SECTORS[edition]
    fd_regions = list(fd_regions or regions)
    n = len(regions) * len(sectors)
    Z, Y, V, x = balanced(n, len(fd_regions) * len(ICIO_FD), seed)
    rows = icio_rows(regions, sectors, fd_regions, Z, Y, V, x, corner=corner, tls_fd=tls_fd)
    path.write_text(_csv(rows))
    return dict(Z=Z, Y=Y, V=V, x=x, sectors=sectors, regions=list(regions), fd_regions=fd_regions)


def figaro_rows(regions, sectors, Z, Y, V, *, pxp=False):
    fdc = ("P3_S13", "P3_S14", "P3_S15", "P51G", "P5M")
    pre = "CPA_" if pxp else ""
    nodes = [f"{r}_{pre}{s}" for r in regions for s in sectors]
    fd = [f"{r}_{c}" for r in regions for c in fdc]
    rows = [["rowLabels"] + nodes + fd]
    for i, lab in enumerate(nodes):
        rows.append([lab] + [_g(v) for v in Z[i]] + [_g(v) for v in Y[i]])
    for k, code in enumerate(("D21X31", "D1", "B2A3G")):
        rows.append([f"W2_{code}"] + [_g(v) for v in V[k]] + ["0"] * len(fd))
    return rows


def write_figaro(path: Path, *, pxp=False, regions=("AT", "DE", "FIGW1"), sectors=("A01", "C10T12"), seed=1):
    n = len(regions) * len(sectors)
    Z, Y, V, x = balanced(n, len(regions) * 5, seed, n_va=3)
    path.write_text(_csv(figaro_rows(regions, sectors, Z, Y, V, pxp=pxp)))
    return dict(Z=Z, Y=Y, V=V, x=x)


def write_eora(folder: Path, year: int = 2015, *, zip_name: str | None = None, seed=2):
    """Eora26 bp files for 2 countries x 2 sectors + the ROW discrepancy account (1 node, 1 FD col)."""
    countries = [("Austria", "AUT"), ("Brazil", "BRA")]
    sectors = ["Agriculture", "Fishing"]
    cats = ["Household final consumption P.3h", "Gross fixed capital formation P.51"]
    nodes = [(c, s) for c in countries for s in sectors] + [(("Rest of World", "ROW"), "TOTAL")]
    fds = [(c, k) for c in countries for k in cats] + [(("Rest of World", "ROW"), "TOTAL")]
    n = len(nodes)
    Z, Y, V, x = balanced(n, len(fds), seed, n_va=2)
    files = {
        f"Eora26_{year}_bp_T.txt": _csv([[_g(v) for v in r] for r in Z], "\t"),
        f"Eora26_{year}_bp_FD.txt": _csv([[_g(v) for v in r] for r in Y], "\t"),
        f"Eora26_{year}_bp_VA.txt": _csv([[_g(v) for v in r] for r in V], "\t"),
        "labels_T.txt": _csv([[c[0], c[1], "Industries", s] for c, s in nodes], "\t"),
        "labels_FD.txt": _csv([[c[0], c[1], "Final Demand", s] for c, s in fds], "\t"),
        "labels_VA.txt": _csv([["Primary input", "Compensation of employees D.1"],
                               ["Primary input", "Operating surplus B.2"]], "\t"),
    }
    folder.mkdir(parents=True, exist_ok=True)
    if zip_name:
        target = folder / zip_name
        with zipfile.ZipFile(target, "w") as zf:
            for k, v in files.items():
                zf.writestr(k, v)
    else:
        target = folder
        for k, v in files.items():
            (folder / k).write_text(v)
    return target, dict(Z=Z, Y=Y, V=V, x=x, nodes=nodes, fds=fds)


WIOD13_CODES = ["AtB", "C", "15t16"]
WIOD16_CODES = ["A01", "B", "C10-C12"]


def write_wiot(path: Path, release: str = "2013", countries=("AUS", "RoW"), *, year=2011, seed=3,
               fd_codes_row=True):
    """A WIOT workbook: 4 header rows under 2 title rows, 4 label columns, c-codes, TOT summary rows."""
    import openpyxl

    codes = WIOD13_CODES if release == "2013" else WIOD16_CODES
    ns = len(codes)
    fd_c = ["c37", "c38", "c39", "c41", "c42"] if release == "2013" else ["c57", "c58", "c59", "c60", "c61"]
    fd_code = ["CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN"]
    n = len(countries) * ns
    Z, Y, V, x = balanced(n, len(countries) * 5, seed, n_va=2)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"WIOT{year}"
    ws.append([f"World Input-Output Table {year}"])
    ws.append(["(current prices)"])
    node_cols = [(c, codes[k], f"c{k + 1}") for c in countries for k in range(ns)]
    fd_cols = [(c, fd_code[k], fd_c[k]) for c in countries for k in range(5)]
    ws.append(["(industry-by-industry)", None, None, None] + [nc[1] for nc in node_cols]
              + [(fc[1] if fd_codes_row else None) for fc in fd_cols] + ["GO"])
    ws.append(["(millions of US$)", None, None, None] + [f"Industry {nc[1]}" for nc in node_cols]
              + [f"Final demand {fc[1]}" for fc in fd_cols] + ["Total output"])
    ws.append([None, None, None, None] + [nc[0] for nc in node_cols] + [fc[0] for fc in fd_cols] + ["TOT"])
    ws.append([None, None, "(Country)", None] + [nc[2] for nc in node_cols] + [fc[2] for fc in fd_cols] + ["c62"])
    for i, (c, code, cc) in enumerate(node_cols):
        rnr = cc if release == "2013" else f"r{i + 1}"
        ws.append([code, f"Industry {code}", c, rnr] + list(map(float, Z[i])) + list(map(float, Y[i])) + [float(x[i])])
    if release == "2013":
        summary = [("", "Total intermediate consumption", "r60", Z.sum(0)),
                   ("", "Taxes less subsidies on products", "r61", V[0]),
                   ("", "Value added at basic prices", "r99", V[1]),
                   ("", "Output at basic prices", "r69", x)]
    else:
        summary = [("II_fob", "Total intermediate consumption", "r65", Z.sum(0)),
                   ("TXSP", "taxes less subsidies on products", "r66", V[0]),
                   ("VA", "Value added at basic prices", "r70", V[1]),
                   ("GO", "Output at basic prices", "r73", x)]
    for code, desc, rnr, vals in summary:
        ws.append([code or None, desc, "TOT", rnr] + list(map(float, vals)) + [0.0] * len(fd_cols) + [None])
    wb.save(path)
    return dict(Z=Z, Y=Y, V=V, x=x, nodes=[(c, code if release == "2016" else cc) for c, code, cc in node_cols],
                nodes_isic=[(c, code) for c, code, cc in node_cols], fd=[(c, k) for c, k, _ in fd_cols],
                va=[s[0] or s[2] for s in summary[1:3]])
