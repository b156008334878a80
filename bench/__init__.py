"""valuechain benchmarks: ``python -m bench`` (or ``make bench``) prints one table.

Each ``bench_<area>.py`` module defines ``run(quick: bool = False) -> list[dict]``;
rows have the keys of :data:`bench._util.COLUMNS`.
"""
