"""A small EXIOBASE 3 archive written in the published text layout (pandas' to_csv, as pymrio writes it).

``write_exiobase3(folder, ...)`` writes ``IOT_<year>_ixi/`` with ``file_parameters.json``,
``metadata.json``, ``A.txt`` or ``Z.txt``, ``Y.txt``, ``x.txt``, ``unit.txt`` and the
extension folders ``factor_inputs`` (balancing value added), ``satellite`` and
``impacts`` (F, F_Y, unit), and returns the arrays used, as the oracle.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

CATEGORIES = ["Final consumption expenditure by households", "Gross fixed capital formation", "Exports: Total"]
SECTORS = ["Cultivation of paddy rice", "Mining of coal and lignite", "Manufacture of motor vehicles, trailers",
           "Retail trade, except of motor vehicles"]


def _para(files: dict, system: str, name: str | None = None) -> str:
    out = {"files": {k: {"name": n, "nr_index_col": str(i), "nr_header": str(h)} for k, (n, i, h) in files.items()},
           "systemtype": system}
    if name:
        out["name"] = name
    return json.dumps(out, indent=4)


def write_exiobase3(base: Path, *, year: int = 2011, regions=("AT", "DE", "WA"), store: str = "A",
                    with_x: bool = True, seed: int = 7, as_zip: bool = True, unit: str = "M.EUR") -> dict:
    rng = np.random.default_rng(seed)
    nodes = pd.MultiIndex.from_product([list(regions), SECTORS], names=["region", "sector"])
    fd = pd.MultiIndex.from_product([list(regions), CATEGORIES], names=["region", "category"])
    n = len(nodes)
    Z = np.round(rng.lognormal(0, 1.2, (n, n)) * (rng.random((n, n)) < 0.7), 6)
    Y = np.round(rng.lognormal(2.5, 1.0, (n, len(fd))), 6)
    x = Z.sum(1) + Y.sum(1)
    A = Z / x[None, :]
    va = x - Z.sum(0)
    V = np.vstack([0.6 * va, 0.4 * va])
    comps = ["Compensation of employees; wages, salaries, & employers' social contributions: Low-skilled",
             "Operating surplus: Remaining net operating surplus"]
    stress = ["CO2 - combustion - air", "Employment: Low-skilled male"]
    F = np.round(rng.lognormal(5, 1, (2, n)), 4)
    FY = np.round(rng.lognormal(5, 1, (2, len(fd))), 4)
    root_name = f"IOT_{year}_ixi"
    root = base / root_name
    (root / "satellite").mkdir(parents=True)
    (root / "impacts").mkdir()
    (root / "factor_inputs").mkdir()
    kw = dict(sep="\t")
    files = {"Y": ("Y.txt", 2, 2), "unit": ("unit.txt", 2, 1)}
    if store == "A":
        pd.DataFrame(A, index=nodes, columns=nodes).to_csv(root / "A.txt", **kw)
        files["A"] = ("A.txt", 2, 2)
    else:
        pd.DataFrame(Z, index=nodes, columns=nodes).to_csv(root / "Z.txt", **kw)
        files["Z"] = ("Z.txt", 2, 2)
    if with_x:
        pd.DataFrame({"indout": x}, index=nodes).to_csv(root / "x.txt", **kw)
        files["x"] = ("x.txt", 2, 1)
    pd.DataFrame(Y, index=nodes, columns=fd).to_csv(root / "Y.txt", **kw)
    pd.DataFrame({"unit": unit}, index=nodes).to_csv(root / "unit.txt", **kw)
    (root / "file_parameters.json").write_text(_para(files, "IOSystem"))
    (root / "metadata.json").write_text(json.dumps({"description": f"EXIOBASE-like fixture for {year}",
                                                    "name": "exio3_fixture", "system": "ixi",
                                                    "version": "fixture", "history": []}))
    ext_files = {"F": ("F.txt", 1, 2), "F_Y": ("F_Y.txt", 1, 2), "unit": ("unit.txt", 1, 1)}
    for folder, rows, label, units in (("satellite", stress, "stressor", ["kg", "1000 p"]),
                                       ("impacts", ["GHG emissions (GWP100)", "Value Added"], "impact",
                                        ["kg CO2 eq.", "M.EUR"])):
        idx = pd.Index(rows, name=label)
        pd.DataFrame(F, index=idx, columns=nodes).to_csv(root / folder / "F.txt", **kw)
        pd.DataFrame(FY, index=idx, columns=fd).to_csv(root / folder / "F_Y.txt", **kw)
        pd.DataFrame({"unit": units}, index=idx).to_csv(root / folder / "unit.txt", **kw)
        (root / folder / "file_parameters.json").write_text(_para(ext_files, "Extension", folder))
    pd.DataFrame(V, index=pd.Index(comps, name="inputtype"), columns=nodes).to_csv(root / "factor_inputs" / "F.txt", **kw)
    pd.DataFrame({"unit": ["M.EUR", "M.EUR"]}, index=pd.Index(comps, name="inputtype")).to_csv(
        root / "factor_inputs" / "unit.txt", **kw)
    (root / "factor_inputs" / "file_parameters.json").write_text(
        _para({"F": ("F.txt", 1, 2), "unit": ("unit.txt", 1, 1)}, "Extension", "factor_inputs"))
    path = root
    if as_zip:
        path = base / f"{root_name}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(root.rglob("*")):
                if f.is_file():
                    zf.write(f, f.relative_to(base).as_posix())
    return {"path": path, "root": root, "Z": Z, "Y": Y, "x": x, "V": V, "F": F, "FY": FY, "nodes": nodes,
            "fd": fd, "components": comps, "stressors": stress}
