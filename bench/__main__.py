"""``python -m bench [--quick] [area ...]``: run the benchmark modules and print one table."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

from bench._util import print_table


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).parent
    areas = sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("areas", nargs="*", choices=areas + [[]], help="areas to run (default: all)")
    ap.add_argument("--quick", action="store_true", help="small sizes only (a smoke run)")
    args = ap.parse_args(argv)
    rows = []
    for area in args.areas or areas:
        mod = importlib.import_module(f"bench.bench_{area}")
        print(f"# {area} ...", file=sys.stderr, flush=True)
        rows.extend(mod.run(quick=args.quick))
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
