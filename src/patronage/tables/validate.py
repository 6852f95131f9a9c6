"""Rules that span tables, beyond what a Frictionless schema can say: every one run over the tables.

Each rule is a function from the tables to a list of Problems, in five families:
:mod:`patronage.tables.rules_structure` (keys, references, chronology), :mod:`patronage.tables.rules_sense` (a tie
joins two living persons, no post before birth, a defection date belongs to a defection, no row repeated),
:mod:`patronage.tables.rules_sourcing` (quotations, conflict tags),
:mod:`patronage.tables.rules_refinements` (a row restated at another work's precision) and
:mod:`patronage.tables.rules_provenance` (cited sources, working notes, the subjects of seed quotations). All are vectorised with pandas. A rule that tests each cell against something (an
id list, an allowed word, a death date) does so once per distinct value of the column and spreads the
answer over the rows (:class:`patronage.tables.distinct.Distinct`): the columns hold few distinct
values (a source, a kind, an evidence) or repeat them (a person's id on each of his spells), and the
factorisation that finds them, one pass over the column, is shared by every rule that reads it.
"""

from __future__ import annotations

from patronage.errors import Problem
from patronage.tables.distinct import Distinct
from patronage.tables.rules_provenance import cited_sources, seed_subjects, sourced_names, working_notes
from patronage.tables.rules_refinements import refinements
from patronage.tables.rules_sense import sense
from patronage.tables.rules_sourcing import conflict_tags, one_id_per_work, sourcing
from patronage.tables.rules_structure import chronology, composite_keys, foreign_keys

RULES = (foreign_keys, composite_keys, sourcing, conflict_tags, one_id_per_work, chronology, refinements, cited_sources, working_notes,
         seed_subjects, sourced_names, sense)


def cross_table_problems(tables, distinct: Distinct | None = None) -> list[Problem]:
    """Every cross-table rule run over the tables, sharing one factorisation of each column."""
    distinct = distinct or Distinct(tables.frames())
    return [p for rule in RULES for p in rule(tables, distinct)]
