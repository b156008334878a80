"""Plain-language names and one-line definitions of the metrics shown in reports.

:data:`GLOSSARY` maps a column name (as the analysis functions return it) to a
``(label, definition)`` pair.  Report tables show the label and carry the
definition as a tooltip; ``docs/glossary.md`` is checked against this mapping
(tests/test_docs.py), so the site and the reports say the same thing.
"""

from __future__ import annotations

import re

__all__ = ["GLOSSARY", "label", "describe"]

GLOSSARY: dict[str, tuple[str, str]] = {
    "output": ("gross output", "Value of everything an industry produces in the year (table unit)."),
    "value_added": ("value added", "Gross value added: output minus intermediate inputs, imports and product taxes."),
    "final_demand": ("final demand", "Purchases by households, government, investment and exports."),
    "output_multiplier": ("output multiplier",
                          "Total output in the whole economy needed per unit of final demand for the industry "
                          "(column sum of the Leontief inverse)."),
    "gva_multiplier": ("value-added multiplier",
                       "Value added generated in the economy per unit of final demand for the industry."),
    "import_leakage": ("import leakage", "Imports needed, directly and indirectly, per unit of final demand."),
    "tax_leakage": ("tax leakage", "Product taxes paid along the chain per unit of final demand."),
    "other_leakage": ("other leakage", "Other primary inputs per unit of final demand."),
    "backward": ("backward linkage", "Pull on suppliers relative to the average industry (1 = average)."),
    "forward_ghosh": ("forward linkage", "Push to customers relative to the average industry (1 = average, Ghosh)."),
    "key_sector": ("linkage type", "Key sector (both linkages above average), backward, forward or weak."),
    "upstreamness": ("upstreamness", "Average number of production stages between the industry and final use "
                     "(1 = sells only to final demand)."),
    "downstreamness": ("downstreamness", "Average number of stages between primary inputs and the industry."),
    "influence": ("influence", "Share of the economy-wide effect of a productivity shock in the industry."),
    "pagerank": ("network centrality (PageRank)", "How much supply flows pass through the industry, directly and "
                 "through its customers; shares sum to 1."),
    "in_strength": ("purchases from other industries", "Sum of intermediate inputs bought (table unit)."),
    "out_strength": ("sales to other industries", "Sum of intermediate sales (table unit)."),
    "betweenness": ("betweenness", "Share of shortest supply paths passing through the node."),
    "community": ("community", "Group of industries trading more among themselves than with others (Leiden), "
                  "named after its largest members."),
    "score": ("reconfiguration score", "Mean of the rank, community and sourcing changes of a node (0 = none, 1 = "
              "complete)."),
    "score_rank": ("centrality rank shift", "Absolute change of the node's PageRank percentile rank (0-1)."),
    "score_community": ("community change", "1 - overlap of the node's community in the two years (0-1)."),
    "score_sourcing": ("sourcing shift", "Share of inputs that moved between supplier regions (total-variation "
                       "distance, 0-1)."),
    "d_output": ("output change", "Change of gross output between the years (table unit, current prices)."),
    "d_pagerank_pct": ("centrality percentile change", "Change of the node's PageRank percentile (-1 to 1)."),
    "d_domestic_input_share": ("domestic input share change", "Change of the share of inputs from the own region."),
    "output_share_t1": ("share of output (later year)", "The node's share of total gross output in the later year."),
    "community_t0": ("community (earlier year)", "Community in the earlier year."),
    "community_t1": ("community (later year)", "Community in the later year."),
    "foreign_input_share": ("foreign input share", "Share of intermediate inputs bought from other regions or "
                            "imported."),
    "supplier_hhi": ("supplier concentration (HHI)", "Herfindahl index of input shares by supplier region (1 = "
                     "a single supplier)."),
    "output_volume": ("output volume index", "Gross output at constant prices relative to the first year "
                      "(chain-linked; 1 = no change)."),
    "volume change %": ("volume change %", "Change at constant prices (chain-linked from previous-year-price "
                        "tables)."),
    "price change %": ("price change %", "Implicit price change: current-price change divided by volume change."),
    "import share of inputs %": ("import share of inputs %", "Imported intermediate inputs as a share of all "
                                 "intermediate inputs."),
    "change pp": ("change (percentage points)", "Difference of two percentages."),
    "share of output %": ("share of output %", "Share of total gross output."),
    "R": ("robustness R", "Area under the output-remaining curve as industries are removed (1 = nothing lost)."),
    "reconfiguration_score": ("reconfiguration score", "Overall change of the network between the years (0-1)."),
    "spearman_pagerank": ("centrality rank correlation", "Spearman correlation of PageRank between the years."),
    "nmi_communities": ("community similarity (NMI)", "Normalised mutual information of the two partitions "
                        "(1 = identical)."),
    "forward": ("forward GVC participation", "Domestic value added in partners' exports, share of exports."),
    "va": ("value added", "Gross value added (table unit)."),
    "vax": ("value added in exports", "Domestic value added absorbed abroad (Johnson & Noguera)."),
    "hhi": ("supplier concentration (HHI)", "Herfindahl index of supplier shares (1 = a single supplier)."),
    "top_share": ("largest supplier's share", "Share of the largest supplier."),
}

_YEAR_SUFFIX = re.compile(r"^(.*?)(_t[01]| \d{4})$")


def _entry(name: str) -> tuple[str, str] | None:
    if name in GLOSSARY:
        return GLOSSARY[name]
    m = _YEAR_SUFFIX.match(name)
    if m and m.group(1) in GLOSSARY:
        lab, text = GLOSSARY[m.group(1)]
        suffix = {"_t0": " (earlier year)", "_t1": " (later year)"}.get(m.group(2), m.group(2))
        return lab + suffix, text
    return None


def label(name: str) -> str:
    """The plain-language label of a metric column (the name itself when unknown).

    Examples
    --------
    >>> from valuechain.views._glossary import label
    >>> label("score_sourcing"), label("pagerank_t1"), label("something else")
    ('sourcing shift', 'network centrality (PageRank) (later year)', 'something else')
    """
    e = _entry(str(name))
    return e[0] if e else str(name)


def describe(name: str) -> str:
    """The one-line definition of a metric column ("" when unknown)."""
    e = _entry(str(name))
    return e[1] if e else ""
