"""Location quotients, cluster stars and the adjacent possible on a small made-up economy.

Run: python examples/03_clusters_complexity.py
"""

import numpy as np
import pandas as pd

import valuechain as vc

rng = np.random.default_rng(0)
regions = [f"region{i}" for i in range(12)]
industries = [f"ind{j:02d}" for j in range(30)]
employment = pd.DataFrame(rng.lognormal(3, 1.2, (12, 30)).round(), index=regions, columns=industries)

print("Location quotients:\n", vc.clusters.location_quotients(employment).round(2).iloc[:5, :6])
print("Cluster stars:\n", vc.clusters.stars(employment).head(8))

result = vc.clusters.complexity(employment)
print("Economic complexity of the regions:\n", result.locations.sort_values("eci", ascending=False).head().round(3))
print("Adjacent possible for region0:\n", vc.clusters.adjacent_possible(employment, "region0", top=5).round(3))
