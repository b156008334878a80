"""The ``valuechain`` command-line interface (typer), a thin layer over the library.

Each module in this package that does not start with ``_`` defines
``register(app)`` adding its command(s) or command group; they are discovered
here, so adding a command never edits this file.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

from ._common import OneLineGroup

__all__ = ["app", "main"]

app = typer.Typer(
    name="valuechain",
    cls=OneLineGroup,
    help="Value-chain network analysis of input-output and trade tables.\n\n"
    "Example: valuechain info --dataset miller_blair",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
) -> None:
    """Value-chain network analysis of input-output and trade tables."""
    import signal

    from . import _common

    _common.STATE["debug"] = debug

    def _terminate(signum, frame):  # SIGTERM/SIGHUP unwind like Ctrl-C: temp files are removed
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _terminate)


for _mod in sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")):
    importlib.import_module(f"{__name__}.{_mod}").register(app)


def main() -> None:  # pragma: no cover
    app()
