"""The :class:`Section` of a report (kept apart from report.py so that the section
adapters in ``_sections`` and ``_findings`` import it without an import cycle)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._validation import check_choice, check_int

__all__ = ["Section", "SECTION_KINDS"]

#: What a section can hold, and the type of its ``content``.
SECTION_KINDS = {
    "text": "str (a paragraph; escaped)",
    "table": "DataFrame or Series",
    "figure": "matplotlib Figure, or bytes (PNG or SVG, see ``fmt``)",
    "network": "dict from vc.views.network_data",
    "comparison": "dict from vc.views.network.comparison_data",
    "findings": "list of findings (each a list of str and citation dicts, see views._findings)",
    "note": "str (shown as a muted remark, e.g. an analysis that is not available, and why)",
    "error": "str (an analysis that failed: what went wrong and what to do)",
}


@dataclass(frozen=True)
class Section:
    """One part of a report.

    Parameters
    ----------
    title : str
        Heading (escaped).
    kind : {"text", "table", "figure", "network", "comparison", "findings", "note", "error"}
        See :data:`SECTION_KINDS` for what ``content`` holds.
    content : object
    caption : str, default ""
        Text under the content (escaped).
    fmt : {"png", "svg"}, default "png"
        Image format of a figure.
    level : {2, 3}, default 2
        Heading level (2 = chapter, 3 = sub-section).
    max_rows : int, default 25
        Rows shown of a table (the caption says how many were left out).
    anchor : str, default ""
        HTML id of the section (links from the key findings point to it);
        default ``s<position>``.

    Examples
    --------
    >>> s = vc.views.Section("Multipliers", "table", vc.position.multipliers(vc.datasets.load("miller_blair")))
    >>> s.kind
    'table'
    """

    title: str
    kind: str
    content: Any = None
    caption: str = ""
    fmt: str = "png"
    level: int = 2
    max_rows: int = 25
    anchor: str = ""

    def __post_init__(self) -> None:
        check_choice(self.kind, "kind", "Section", tuple(SECTION_KINDS))
        check_choice(self.level, "level", "Section", (2, 3))
        check_choice(self.fmt, "fmt", "Section", ("png", "svg"))
        check_int(self.max_rows, "max_rows", "Section", low=1)
