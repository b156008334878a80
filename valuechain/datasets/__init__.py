"""Datasets: readers for published IO and trade layouts, a registry and a download cache.

``vc.datasets.read(path, format=...)`` reads a file the user has;
``vc.datasets.load(name, year=...)`` loads a registered (embedded or cached) dataset;
``vc.datasets.list()`` lists them; ``vc.datasets.fetch(name, year)`` returns the local
file of a published source (downloading it when it has a pinned URL);
``vc.datasets.add(name, path)`` registers a file the user already has.
Supply-use tables become symmetric IO tables with :func:`vc.datasets.sut.to_iot`.
"""

from __future__ import annotations

from . import embedded
from ._read import FORMATS, read
from ._load import load
from ._registry import REGISTRY, Dataset, info, list_datasets, register
from .cache import add, cache_dir, fetch, local_path

list = list_datasets  # noqa: A001  (public name: vc.datasets.list())


def __getattr__(name: str):
    # submodules loaded on first use (sut, brazil, national, bea, niot...) keep import cheap
    import importlib

    if name in ("sut", "brazil", "national", "bea", "niot", "cache", "sea", "abs"):
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _brazil(**kw):
    from .brazil import load_brazil

    return load_brazil(**kw)


register(Dataset("miller_blair", lambda: embedded.miller_blair(),
                 "Miller & Blair two-sector textbook example (2 nodes)", source="Miller & Blair (2009)"))
register(Dataset("testmrio", lambda: embedded.testmrio(),
                 "pymrio's illustrative test MRIO (6 regions x 8 sectors)", years=(2010,),
                 source="pymrio.load_test()"))
register(Dataset("brazil", _brazil,
                 "Brazil, IBGE supply-use tables -> 68 x 68 industries (model D), domestic flows, imports "
                 "as a V row; BRL million; options prices='current'|'previous_year', labels, model",
                 years=tuple(range(2010, 2022)), default_year=2021, source="IBGE via iotbr",
                 license="IBGE open data (cite IBGE, Contas Nacionais)"))

# Published multi-regional sources.  Their files sit behind licence pages or change URL
# between releases, and their checksums cannot be pinned offline: they are "manual"
# (download from the landing page, then `valuechain datasets add NAME PATH`).
_MANUAL = [
    ("oecd_icio", "icio", "OECD Inter-Country Input-Output tables (2023/2025 editions, 76-81 economies x 45 "
     "industries), one CSV per year", tuple(range(1995, 2021)),
     "https://www.oecd.org/en/data/datasets/inter-country-input-output-tables.html", "OECD", "CC BY 4.0",
     "ICIO_{year}.csv"),
    ("wiod2013", "wiod2013", "WIOD 2013 release world IO tables (41 regions x 35 industries)",
     tuple(range(1995, 2012)), "https://www.rug.nl/ggdc/valuechain/wiod/wiod-2013-release",
     "University of Groningen (Timmer et al. 2015)", "CC BY 4.0", "wiot{year}.xlsx"),
    ("wiod2016", "wiod2016", "WIOD 2016 release world IO tables (44 regions x 56 industries)",
     tuple(range(2000, 2015)), "https://www.rug.nl/ggdc/valuechain/wiod/wiod-2016-release",
     "University of Groningen (Timmer et al. 2016)", "CC BY 4.0", "WIOT{year}_Nov16_ROW.xlsb"),
    ("figaro", "figaro", "Eurostat FIGARO inter-country tables (industry-by-industry, matrix CSV)",
     tuple(range(2010, 2023)), "https://ec.europa.eu/eurostat/web/esa-supply-use-input-tables/database",
     "Eurostat", "Eurostat reuse policy (CC BY 4.0)", "matrix_eu-ic-io_ind-by-ind_23ed_{year}.csv"),
    ("exiobase3", "exiobase3", "EXIOBASE 3 multi-regional tables (49 regions, ixi or pxp zip)",
     tuple(range(1995, 2023)), "https://zenodo.org/records/5589597", "EXIOBASE consortium",
     "CC BY-SA 4.0", "IOT_{year}_ixi.zip"),
    ("eora26", "eora26", "Eora26 multi-regional tables (190 countries x 26 sectors)",
     tuple(range(1990, 2017)), "https://worldmrio.com/eora26/", "KGM & Associates (Lenzen et al.)",
     "free for academic use (registration)", "Eora26_{year}_bp.zip"),
    ("baci", "baci", "CEPII BACI bilateral trade at HS6 (one CSV per year; a TradeTable)",
     tuple(range(1995, 2024)), "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37", "CEPII",
     "Etalab Open Licence 2.0", "BACI_HS92_Y{year}_V202401b.csv"),
]
for _name, _fmt, _desc, _years, _landing, _src, _lic, _fname in _MANUAL:
    register(Dataset(_name, None, _desc, kind="manual", years=_years, format=_fmt, landing=_landing,
                     source=_src, license=_lic, filename=_fname))
del _name, _fmt, _desc, _years, _landing, _src, _lic, _fname

__all__ = ["read", "load", "list", "info", "register", "Dataset", "REGISTRY", "FORMATS", "cache_dir",
           "fetch", "add", "local_path", "sut"]
