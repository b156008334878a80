"""Shared CLI pieces: options, the error contract, table loading, output writing.

The error contract (:func:`cli_errors`, and :class:`OneLineGroup` for option errors):
every failure caused by the input or the environment prints **one line** on stderr,
``Error: ...``, and exits with code 2; Ctrl-C (also inside a DuckDB query) prints
``Interrupted.`` and exits with 130.  ``valuechain --debug ...`` re-raises with the
full traceback instead.
"""

from __future__ import annotations

import contextlib
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Callable, Iterator, Optional

import typer
import typer.core

STATE: dict[str, Any] = {"debug": False}

DatasetOpt = Annotated[Optional[str], typer.Option("--dataset", "-d", help="Registered dataset name (see `valuechain datasets list`).")]
TableOpt = Annotated[Optional[Path], typer.Option("--table", "-t", help="Table file (valuechain parquet, or any layout with --format).")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="Layout of --table (see `valuechain datasets formats`).")]
YearOpt = Annotated[Optional[int], typer.Option("--year", "-y", help="Year of the dataset.")]
RegionsOpt = Annotated[Optional[str], typer.Option("--regions", help="Comma-separated regions to keep.")]
SectorsOpt = Annotated[Optional[str], typer.Option("--sectors", help="Comma-separated sectors to keep.")]
TopOpt = Annotated[int, typer.Option("--top", "-n", min=1, help="Rows to print (>= 1).")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Write the full result to FILE.{csv,parquet,json,html}.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace a read-only --out file (never a folder or a "
                                        "file valuechain would not write).")]
RawOpt = Annotated[bool, typer.Option("--raw", help="CSV: write text cells as they are (by default a text cell "
                                      "starting with = + - @ tab or CR gets a leading ' so spreadsheets do not "
                                      "run it as a formula).")]

#: Suffixes that --out accepts for result tables.
OUT_SUFFIXES = (".csv", ".parquet", ".json", ".html")


class Weight(str, Enum):
    flow = "flow"
    input_share = "input_share"
    output_share = "output_share"
    total_requirement = "total_requirement"
    value_added = "value_added"


# ------------------------------------------------------------------ the error contract
def _click() -> Any:
    """The click that typer runs on (typer >= 0.2x vendors it as ``typer._click``)."""
    mod = getattr(typer.core, "_click", None)
    if mod is None:  # older typer: the click package
        import click as mod
    return mod


def _passthrough() -> tuple[type[BaseException], ...]:
    """Exceptions that are typer's and click's own control flow (exit codes, usage errors)."""
    exc = _click().exceptions
    own = tuple(getattr(exc, n) for n in ("Exit", "Abort") if hasattr(exc, n))  # typer >= 0.2x: typer's own
    return (typer.Exit, typer.Abort, exc.ClickException, *own)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _interrupted(exc: BaseException) -> bool:
    """Whether *exc* (or an exception it was raised from) is a Ctrl-C, including DuckDB's."""
    seen = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, KeyboardInterrupt) or type(e).__name__ == "InterruptException":
            return True
        if isinstance(e, RuntimeError) and str(e).strip() == "Query interrupted":  # DuckDB >= 1.1 on SIGINT
            return True
        e = e.__cause__ or e.__context__
    return False


def error_message(exc: BaseException) -> str:
    """The one-line message of a failure (without the ``Error:`` prefix)."""
    from ..errors import ValueChainError

    if isinstance(exc, ValueChainError):
        return _one_line(str(exc))
    if isinstance(exc, OSError) and exc.filename is not None:
        what = exc.strerror or type(exc).__name__
        two = f" -> {exc.filename2}" if getattr(exc, "filename2", None) else ""
        return _one_line(f"{exc.filename}{two}: {what}")
    if isinstance(exc, OSError):  # no space left, a device error...: the system's own words
        return _one_line(str(exc)) or type(exc).__name__
    if isinstance(exc, MemoryError):
        return _one_line(f"out of memory ({exc or 'no detail'}); select fewer regions or sectors, or use a "
                         "machine with more memory")
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply to be read (RecursionError)"
    detail = _one_line(str(exc)) or "no detail"
    return f"{type(exc).__name__}: {detail} (unexpected; `valuechain --debug ...` shows the traceback)"


def _fail(exc: BaseException) -> typer.Exit:
    STATE["reported"] = True
    if _interrupted(exc):
        typer.echo("Interrupted.", err=True)
        return typer.Exit(code=130)
    typer.echo(f"Error: {error_message(exc)}", err=True)
    return typer.Exit(code=2)


@contextlib.contextmanager
def cli_errors() -> Iterator[None]:
    """Turn any failure into a one-line message and exit code 2 (Ctrl-C: 130); ``--debug`` re-raises.

    A :class:`~valuechain.errors.ValueChainError` prints its message; an ``OSError``
    prints the path and the reason (read-only folder, no space...); anything else
    escaping from a dependency prints its type and message on one line.
    """
    passthrough = _passthrough()
    try:
        yield
    except passthrough:
        raise
    except (Exception, KeyboardInterrupt) as exc:
        if STATE.get("debug"):
            raise
        raise _fail(exc) from None


class OneLineGroup(typer.core.TyperGroup):
    """The root command group: option and usage errors are one line too (``Error: ...``, exit 2).

    Two-word spellings of the hyphenated commands are accepted: ``valuechain shock price``
    runs ``shock-price`` and ``valuechain shock tariff`` runs ``shock-tariff`` (the price
    models take other options than the quantity models of ``shock``).
    """

    ALIASES = {("shock", "price"): "shock-price", ("shock", "tariff"): "shock-tariff"}

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if len(args) >= 2 and (args[0], args[1]) in self.ALIASES:
            args = [self.ALIASES[(args[0], args[1])], *args[2:]]
        return super().resolve_command(ctx, args)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        exceptions = _click().exceptions
        no_args = getattr(exceptions, "NoArgsIsHelpError", ())
        standalone = kwargs.pop("standalone_mode", True)
        STATE["reported"] = False
        try:
            rv = super().main(*args, standalone_mode=False, **kwargs)
        except no_args as exc:  # a bare group: typer has printed its help
            if not standalone:
                raise
            sys.exit(exc.exit_code)
        except exceptions.ClickException as exc:
            if not standalone:
                raise
            where = f" (see `{exc.ctx.command_path} --help`)" if getattr(exc, "ctx", None) is not None else ""
            typer.echo(f"Error: {_one_line(exc.format_message())}{where}", err=True)
            sys.exit(exc.exit_code)
        except (typer.Abort, *(getattr(exceptions, n) for n in ("Abort",) if hasattr(exceptions, n))):
            if not standalone:
                raise
            typer.echo("Interrupted.", err=True)
            sys.exit(130)
        if not standalone:
            return rv
        if rv == 130 and not STATE.get("reported"):  # Ctrl-C outside a command body (typer's own handler)
            typer.echo("Interrupted.", err=True)
        sys.exit(rv if isinstance(rv, int) else 0)


# ------------------------------------------------------------------ outputs
def check_out(out: Optional[Path], *, force: bool = False, suffixes: tuple[str, ...] = OUT_SUFFIXES) -> None:
    """Refuse a bad ``--out`` before any work: suffix, a directory, a read-only file, an unusable folder."""
    if out is None:
        return
    from .._files import check_target

    check_target(out, suffixes=suffixes, force=force, what="'--out' option")


def split(value: Optional[str]) -> Optional[list[str]]:
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def load_table(dataset: Optional[str], table: Optional[Path], year: Optional[int] = None,
               fmt: str = "parquet", regions: Optional[str] = None, sectors: Optional[str] = None):
    """The IOTable named by --dataset or --table (default: the embedded default dataset)."""
    from .. import datasets
    from ..errors import ParameterError

    if dataset and table:
        raise ParameterError("Give either --dataset or --table, not both.")
    if table is not None:
        with reading(table):
            t = datasets.read(table, format=fmt)
    else:
        t = datasets.load(dataset or default_dataset(), year=year)
    if regions or sectors:
        t = t.select(regions=split(regions), sectors=split(sectors))
    return t


@contextlib.contextmanager
def reading(path: Any) -> Iterator[None]:
    """Name the file when a reader lets a non-valuechain error escape (malformed metadata, odd types).

    Our own errors, OS errors (they carry the path) and Ctrl-C pass unchanged; anything else
    becomes a :class:`~valuechain.errors.ReadError` naming *path*, raised from the original
    (``--debug`` shows both tracebacks).
    """
    from ..errors import ReadError, ValueChainError

    try:
        yield
    except (ValueChainError, OSError, MemoryError):
        raise
    except RecursionError as exc:
        raise ReadError(f"{path}: the file is nested too deeply to be read (RecursionError).") from exc
    except Exception as exc:
        if _interrupted(exc):
            raise
        raise ReadError(f"{path}: cannot be read ({type(exc).__name__}: {_one_line(str(exc)) or 'no detail'}).") from exc


def default_dataset() -> str:
    from ..datasets import REGISTRY

    return "brazil" if "brazil" in REGISTRY else "testmrio"


def console():
    from rich.console import Console

    return Console(width=max(120, 80))


def print_frame(df, title: str = "", top: int = 20, sort: Optional[str] = None, ascending: bool = False) -> None:
    """Print the first *top* rows of a DataFrame/Series as a rich table."""
    import pandas as pd
    from rich.table import Table

    if isinstance(df, pd.Series):
        df = df.to_frame()
    if sort is not None and sort in df.columns:
        df = df.sort_values(sort, ascending=ascending)
    shown = df.head(top)
    tab = Table(title=title or None, show_lines=False)
    idx_names = [n or "" for n in (shown.index.names if shown.index.nlevels > 1 else [shown.index.name])]
    for n in idx_names:
        tab.add_column(str(n), style="bold")
    for c in shown.columns:
        tab.add_column(str(c), justify="right")
    for key, row in shown.iterrows():
        keys = key if isinstance(key, tuple) else (key,)
        cells = []
        for v in row.tolist():
            if isinstance(v, float):
                cells.append(f"{v:,.4g}" if abs(v) < 1e6 else f"{v:,.0f}")
            else:
                cells.append(str(v))
        tab.add_row(*[str(k) for k in keys], *cells)
    console().print(tab)
    if len(df) > top:
        console().print(f"[dim]... {len(df) - top} more rows (use --top or --out)[/dim]")


def write_output(obj, out: Optional[Path], *, force: bool = False, raw: bool = False) -> None:
    """Write a result to --out (csv, parquet, json or html), atomically.

    CSV text cells are made spreadsheet-safe (:func:`valuechain._files.spreadsheet_safe`)
    unless *raw*.
    """
    if out is None:
        return
    import pandas as pd

    from .._files import check_target, spreadsheet_safe, write_text_atomic, write_with

    check_target(out, suffixes=OUT_SUFFIXES, force=force, what="'--out' option")
    if isinstance(obj, pd.Series):
        obj = obj.to_frame()
    suffix = out.suffix.lower()
    if suffix == ".csv":
        shown = obj if raw else spreadsheet_safe(obj)
        write_with(out, lambda p: shown.to_csv(p), force=force)
    elif suffix == ".parquet":
        flat = obj.copy()
        flat.columns = [c if isinstance(c, str) else "|".join(map(str, c)) for c in flat.columns]
        write_with(out, lambda p: flat.to_parquet(p), force=force)
    elif suffix == ".json":
        flat = obj.reset_index()
        flat.columns = [c if isinstance(c, str) else "|".join(map(str, c)) for c in flat.columns]
        write_text_atomic(out, json.dumps({"attrs": _jsonable(obj.attrs), "data": json.loads(flat.to_json(orient="records"))}, indent=1), force=force)
    else:
        write_text_atomic(out, obj.to_html(), force=force)
    typer.echo(f"Wrote {out}", err=True)


def progress_bar(description: str) -> Any:
    """A transient rich progress bar on stderr and a ``progress(step, done, total)`` callback for it.

    Use as ``with progress_bar("centrality") as progress: f(..., progress=progress)``.
    """
    from rich.progress import Progress

    @contextlib.contextmanager
    def run() -> Iterator[Callable[[str, int, int], None]]:
        con = console()
        con.stderr = True
        with Progress(transient=True, console=con, disable=not stderr_is_tty()) as bar:
            task = bar.add_task(description, total=None)

            def progress(step: str, done: int, total: int) -> None:
                bar.update(task, description=f"{description}: {step}", completed=done, total=total)

            yield progress

    return run()


def _jsonable(d: dict) -> dict:
    return {k: (v if isinstance(v, (str, int, float, bool, type(None))) else str(v)) for k, v in d.items()}


def stderr_is_tty() -> bool:
    return sys.stderr.isatty()
