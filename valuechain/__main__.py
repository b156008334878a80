"""``python -m valuechain`` runs the command-line interface."""

from valuechain.cli import app

if __name__ == "__main__":  # pragma: no cover
    app()
