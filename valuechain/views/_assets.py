"""vis-network's JavaScript and CSS, read from the installed pyvis package.

pyvis ships vis-network inside its package (``pyvis/lib/vis-<version>/``).  The
views inline these files into every HTML document so that the page renders with
no network access; nothing is downloaded and nothing is written to disk.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from ..errors import ValueChainError

__all__ = ["vis_js", "vis_css", "vis_version"]


def _vis_dir():
    try:
        lib = resources.files("pyvis").joinpath("lib")
    except ModuleNotFoundError as exc:  # pragma: no cover - pyvis is a dependency
        raise ValueChainError("The network views need the 'pyvis' package (pip install pyvis).") from exc
    found = []
    for entry in lib.iterdir():
        m = re.fullmatch(r"vis-(\d+)\.(\d+)\.(\d+)", entry.name)
        if m and entry.joinpath("vis-network.min.js").is_file():
            found.append((tuple(int(g) for g in m.groups()), entry))
    if not found:  # pragma: no cover - depends on the installed pyvis
        raise ValueChainError(f"No vis-network build found under {lib}; expected lib/vis-X.Y.Z/vis-network.min.js.")
    return max(found, key=lambda p: p[0])


@functools.lru_cache(maxsize=1)
def vis_version() -> str:
    """Version of the vis-network build that is inlined (e.g. ``"9.1.2"``)."""
    return ".".join(map(str, _vis_dir()[0]))


@functools.lru_cache(maxsize=1)
def vis_js() -> str:
    """The minified vis-network JavaScript, safe to place inside ``<script>``."""
    text = _vis_dir()[1].joinpath("vis-network.min.js").read_text(encoding="utf-8")
    # A literal "</script" would end the inline script block early.
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def vis_css() -> str:
    """The vis-network stylesheet (its images are data: URIs), safe inside ``<style>``."""
    text = _vis_dir()[1].joinpath("vis-network.css").read_text(encoding="utf-8")
    return re.sub(r"</(style)", r"<\\/\1", text, flags=re.IGNORECASE)
