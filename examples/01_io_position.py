"""IO position of the Miller-Blair textbook economy and of pymrio's test MRIO.

Run: python examples/01_io_position.py
"""

import valuechain as vc

mb = vc.datasets.load("miller_blair")
print("Leontief inverse:\n", mb.L.round(6))
print("Output multipliers:\n", vc.position.output_multipliers(mb).round(6))
print("Linkages and key sectors:\n", vc.position.linkages(mb).round(4))
print("Hypothetical extraction:\n", vc.position.extraction(mb).round(3))

t = vc.datasets.load("testmrio")
summary = vc.position.linkages(t)[["backward", "forward_ghosh", "key_sector"]]
summary["upstreamness"] = vc.position.upstreamness(t)
print("Most upstream nodes of the test MRIO:\n", summary.sort_values("upstreamness", ascending=False).head(8).round(3))
print("Output lost if a whole region stops trading:\n", vc.position.extraction(t, per="region")[["total", "total_share"]].round(3))
