"""Every assertion of every table as one flat table: who, what, when, source, locator, quote, evidence, and the
row it refines; each documented conflict as two rows, one per reading."""

from __future__ import annotations

import pandas as pd

from patronage.tables.columns import TEXT

COLUMNS = ["table", "row_id", "person_id", "other_person_id", "kind", "what", "when", "until",
           "source_id", "locator", "quote", "evidence", "conflict_id", "reading", "refines"]
SOURCING = ["source_id", "locator", "quote", "evidence", "conflict_id", "reading"]


def assertions(tables) -> pd.DataFrame:
    """Every sourced row of every table as (table, who, what, when, source, locator, quote, evidence); each
    documented conflict as two rows, one per reading, each with its own sourcing."""
    orgs = tables.organisations.set_index("org_id")["name"]
    events = tables.events.set_index("event_id")
    parts = tables.event_participants
    pieces = [
        tables.persons.assign(table="persons", row_id=tables.persons["person_id"], kind="person",
                              what=tables.persons["name"]),
        tables.attributes.assign(table="attributes", row_id=tables.attributes["attribute_id"],
                                 kind=tables.attributes["attribute"], what=tables.attributes["value"],
                                 when=tables.attributes["date"]),
        tables.organisations.assign(table="organisations", row_id=tables.organisations["org_id"], kind="organisation",
                                    what=tables.organisations["name"], when=tables.organisations["valid_from"],
                                    until=tables.organisations["valid_to"]),
        tables.spells.assign(table="spells", row_id=tables.spells["spell_id"], kind="spell",
                             what=tables.spells["post"] + ", " + tables.spells["org_id"].map(orgs),
                             when=tables.spells["start"], until=tables.spells["end"],
                             other_person_id=tables.spells["appointed_by"]),
        tables.events.assign(table="events", row_id=tables.events["event_id"], kind=tables.events["kind"],
                             what=tables.events["title"], when=tables.events["date"]),
        parts.assign(table="event_participants", row_id=parts["event_id"] + "/" + parts["person_id"] + "/" + parts["role"],
                     kind="participant:" + parts["role"], what=parts["event_id"].map(events["title"]),
                     when=parts["event_id"].map(events["date"])),
        tables.ties.assign(table="ties", row_id=tables.ties["tie_id"], person_id=tables.ties["client_id"],
                           other_person_id=tables.ties["patron_id"], kind="tie:" + tables.ties["kind"],
                           what=tables.ties["patron_id"] + " -> " + tables.ties["client_id"] + " [" + tables.ties["codings"] + "]",
                           when=tables.ties["start"], until=tables.ties["end"]),
    ]
    c = tables.conflicts  # a disagreement is two assertions: each reading with its own source, locator, quote, evidence
    pieces += [pd.DataFrame({"table": "conflicts", "row_id": c["conflict_id"] + "/" + side, "kind": "conflict:" + c["kind"],
                             "what": c["topic"] + " — reading '" + c[f"reading_{side}"] + "'",
                             "source_id": c[f"{side}_source_id"], "locator": c[f"{side}_locator"], "quote": c[f"{side}_quote"],
                             "evidence": c[f"{side}_evidence"], "conflict_id": c["conflict_id"], "reading": c[f"reading_{side}"]})
               for side in ("a", "b")]
    flat = pd.concat([p.reindex(columns=COLUMNS) for p in pieces], ignore_index=True)
    return flat.astype(TEXT).sort_values(["table", "row_id"], kind="stable").reset_index(drop=True)
