"""Economic complexity: the full suite at BACI scale, ours vs the ``ecomplexity`` package.

Data: a synthetic country x product export matrix shaped like a BACI year aggregated
over importers (200 countries x 5,000 HS6 products), generated with a fixed seed:
countries have a capability level, products a sophistication level, and a country
exports a product with a probability that rises with capability minus
sophistication (a nested structure, as in real trade); values are lognormal.
About a third of the cells are non-zero.

Rows printed:

* ``vc.clusters.complexity(X)``: RCA, presence, diversity/ubiquity, ECI/PCI
  (eigenvector), fitness, proximity (5,000 x 5,000), density, COI, COG
  (issue 7 target: < 2 s and < 1 GB), against ``ecomplexity.ecomplexity`` on the
  same data in long form (measured here at about 60 s and 2 GB; target ratio >= 30);
* the same plus building the long ``.pairs`` table (1 million rows).

Quick mode: 100 countries x 1,000 products.
"""

from __future__ import annotations

import numpy as np

from bench._util import measure, row

SEED = 7


def synthetic_exports(n_countries: int, n_products: int, seed: int = SEED):
    """A nested country x product export matrix (DataFrame), lognormal values."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    cap = rng.normal(0.0, 1.0, n_countries)
    soph = rng.normal(0.0, 1.0, n_products)
    p = 1.0 / (1.0 + np.exp(-(1.5 * cap[:, None] - 1.5 * soph[None, :] - 0.8)))
    present = rng.random((n_countries, n_products)) < p
    size = rng.lognormal(0.0, 1.5, n_countries)[:, None]
    X = np.where(present, rng.lognormal(2.0, 2.0, (n_countries, n_products)) * size, 0.0)
    countries = [f"C{i:03d}" for i in range(n_countries)]
    products = [f"{k:06d}" for k in range(n_products)]
    return pd.DataFrame(X, index=pd.Index(countries, name="exporter"), columns=pd.Index(products, name="product"))


def _long(X):
    s = X.stack()
    s = s[s > 0]
    df = s.rename("value").reset_index()
    df.columns = ["country", "product", "value"]
    df["year"] = 2020
    return df


def run(quick: bool = False) -> list[dict]:
    import valuechain as vc
    import valuechain.clusters  # noqa: F401  (imported before forking: timings exclude imports)

    nc, npr = (100, 1000) if quick else (200, 5000)
    size = f"{nc} x {npr}"

    def ours(X):
        r = vc.clusters.complexity(X)
        return round(float(r.locations["eci"].iloc[0]), 6)

    def ours_pairs(X):
        r = vc.clusters.complexity(X)
        return len(r.pairs)

    def baseline(df):
        import warnings

        from ecomplexity import ecomplexity

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = ecomplexity(df, {"time": "year", "loc": "country", "prod": "product", "val": "value"},
                              verbose=False, check_logsupermodularity=False)
        return round(float(out.groupby("country")["eci"].first().iloc[0]), 6)

    r_ours = measure(ours, lambda: synthetic_exports(nc, npr))
    timeout = 240
    r_base = measure(baseline, lambda: _long(synthetic_exports(nc, npr)), timeout=timeout)
    if str(r_base[2]).startswith("timeout"):
        same = f"ecomplexity > {timeout} s: ratio > {timeout / r_ours[0]:.0f}"
    elif r_ours[2] == r_base[2]:
        same = "same ECI of the first country"
    else:
        same = f"ECI {r_ours[2]} vs {r_base[2]}"
    rows = [row("complexity suite (RCA..COG)", size, r_ours, "ecomplexity", r_base,
                note=f"target < 2 s, < 1 GB, >= 30x; {same}")]
    r_pairs = measure(ours_pairs, lambda: synthetic_exports(nc, npr))
    rows.append(row("complexity suite + .pairs long table", size, r_pairs, "ecomplexity", r_base))
    return rows
