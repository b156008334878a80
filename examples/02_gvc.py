"""GVC participation and value-added trade on pymrio's test MRIO.

Run: python examples/02_gvc.py
"""

import valuechain as vc

t = vc.datasets.load("testmrio")
print("KWW decomposition of gross exports (9 terms, by exporter):\n", vc.gvc.kww(t).round(1))
print("Borin-Mancini (source-based, exporter perspective):\n", vc.gvc.borin_mancini(t, approach="source").round(1))
print("TiVA-style indicators:\n", vc.gvc.tiva(t).round(3))
print("Production-based participation (WWYZ 2017):\n", vc.gvc.participation(t).head(8).round(3))
