"""How Brazil's production network changed between 2019 and 2021 (IBGE tables shipped with valuechain).

Run: python examples/04_reconfiguration.py
"""

import valuechain as vc

t2019 = vc.datasets.load("brazil", year=2019)
t2021 = vc.datasets.load("brazil", year=2021)
c = vc.compare({2019: t2019, 2021: t2021})
print(c.summary())
print("Biggest movers:\n", c.movers(8).round(3))
print("Largest flow changes:\n", c.flow_changes.head(5).round(1))
