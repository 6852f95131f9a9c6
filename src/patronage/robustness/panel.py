"""A panel of succession crises: the test of notebook 03 on every crisis, and what the crises show together.

Notebook 05 reads the panel from here; each part is a module of its own:

- the crises a historian lists in data/crises.yaml, checked against the tables
  (:mod:`patronage.robustness.crisis_list`), and those the tables' own rule finds: every fall of a
  patron (:mod:`patronage.robustness.falls`);
- every step of the test on every crisis, as a table, a grid and a summary
  (:mod:`patronage.robustness.verdict_panel`);
- defection pooled across the crises, against the case's own rate, and re-counted without each crisis,
  at other thresholds and by men (:mod:`patronage.robustness.pooled`);
- what became of each crisis's top clients, and every defection the tables record
  (:mod:`patronage.robustness.client_fates`);
- the counts and the pooled share again under draws of the uncertain dates
  (:mod:`patronage.robustness.panel_draws`).
"""

from __future__ import annotations

from patronage.analysis.verdicts import VERDICTS
from patronage.robustness.client_fates import (
    FATE_ORDER,
    career_bars,
    client_fate,
    client_fates,
    defections,
    lost_before,
    none_lost_before,
    turncoats,
)
from patronage.robustness.crisis_list import (
    CRISES_FILE,
    LIST_COLUMNS,
    CrisisListError,
    check_crisis,
    crisis_list,
    dating_left_out,
    named_crises,
    read_crisis_list,
)
from patronage.robustness.date_draws import draw_dates
from patronage.robustness.falls import crises, falls, is_fall, label, losses, make_crises, patrons, why_not_found
from patronage.robustness.panel_draws import (
    COUNT_COLUMNS,
    DRAW_COLUMNS,
    counts_under_draws,
    pooled_under_draws,
    top_clients_under_draws,
    top_count,
)
from patronage.robustness.pooled import (
    VARIANT_COLUMNS,
    pooled_defection,
    pooled_top_clients,
    pooled_variants,
    rarer_than_case,
)
from patronage.robustness.tests_at_thresholds import tests_at_thresholds, thresholds_sentence
from patronage.robustness.verdict_panel import (
    PANEL_COLUMNS,
    loyalty_reach,
    no_data_share,
    panel,
    panel_table,
    roster_sizes,
    summary,
    top_clients,
    verdict_grid,
)

__all__ = ["COUNT_COLUMNS", "CRISES_FILE", "DRAW_COLUMNS", "FATE_ORDER", "LIST_COLUMNS", "PANEL_COLUMNS", "VARIANT_COLUMNS", "VERDICTS", "CrisisListError", "career_bars", "dating_left_out",
           "check_crisis", "client_fate", "client_fates", "counts_under_draws", "crises", "crisis_list", "defections", "draw_dates", "falls", "is_fall", "label",
           "lost_before", "losses", "loyalty_reach", "make_crises", "none_lost_before", "named_crises", "no_data_share", "panel", "panel_table", "patrons",
           "pooled_defection", "pooled_top_clients", "pooled_under_draws", "pooled_variants", "rarer_than_case", "read_crisis_list", "roster_sizes", "summary",
           "tests_at_thresholds", "thresholds_sentence", "top_clients", "top_clients_under_draws", "top_count", "turncoats", "verdict_grid", "why_not_found"]
