"""Every assertion of every table as one flat table: who, what, when, the coded fields the analysis reads (a post's
rank, end cause and appointer; a tie's basis, defection, motive and codings; for a participant cited to another work
than his event, the work his date comes from), source, locator, quote, evidence,
and the row it refines; each documented conflict as two rows, one per reading."""

from __future__ import annotations

import pandas as pd

from patronage.tables.columns import TEXT

COLUMNS = ["table", "row_id", "person_id", "other_person_id", "kind", "what", "when", "until", "detail",
           "source_id", "locator", "quote", "evidence", "conflict_id", "reading", "refines"]
# the coded fields of a row that its ``what`` does not say, as ``detail`` gives them ("rank 6; end cause arrest")
DETAIL = {"spells": {"seniority": "rank", "end_cause": "end cause", "appointed_by": "appointed by"},
          "ties": {"basis": "basis", "defected": "", "defection_date": "defection dated", "motive": "motive",
                   "codings": "codings"}}


def detail(frame: pd.DataFrame, fields: dict[str, str]) -> pd.Series:
    """The coded fields of each row in words ('rank 6; end cause arrest'; a tie's ``defected`` as 'defected' or 'no
    defection recorded'), the empty ones left out."""
    frame = frame.assign(**{c: frame[c].map({True: "defected", False: "no defection recorded"}) for c in ("defected",) if c in frame})
    parts = [((label + " " if label else "") + frame[column].astype("string")).fillna("") for column, label in fields.items()]
    joined = pd.concat(parts, axis=1).apply(lambda row: "; ".join(v for v in row if v), axis=1)
    return joined.where(joined != "", pd.NA) if len(frame) else pd.Series(pd.NA, index=frame.index, dtype="object")
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
                                 when=tables.attributes["date"], detail=_dated_by_conflict(tables.attributes, tables.conflicts)),
        tables.organisations.assign(table="organisations", row_id=tables.organisations["org_id"], kind="organisation",
                                    what=tables.organisations["name"], when=tables.organisations["valid_from"],
                                    until=tables.organisations["valid_to"]),
        tables.spells.assign(table="spells", row_id=tables.spells["spell_id"], kind="spell",
                             what=tables.spells["post"] + ", " + tables.spells["org_id"].map(orgs),
                             when=tables.spells["start"], until=tables.spells["end"],
                             other_person_id=tables.spells["appointed_by"],
                             detail=_joined(detail(tables.spells.assign(appointed_by=_named(tables, tables.spells["appointed_by"])),
                                                   DETAIL["spells"]), _dated_by_conflict(tables.spells, tables.conflicts))),
        tables.events.assign(table="events", row_id=tables.events["event_id"], kind=tables.events["kind"],
                             what=tables.events["title"], when=tables.events["date"]),
        parts.assign(table="event_participants", row_id=parts["event_id"] + "/" + parts["person_id"] + "/" + parts["role"],
                     kind="participant:" + parts["role"], what=parts["event_id"].map(events["title"]),
                     when=parts["event_id"].map(events["date"]), detail=_dated_by_event(parts, events)),
        tables.ties.assign(table="ties", row_id=tables.ties["tie_id"], person_id=tables.ties["client_id"],
                           other_person_id=tables.ties["patron_id"], kind="tie:" + tables.ties["kind"],
                           what=_named(tables, tables.ties["patron_id"]) + " → " + _named(tables, tables.ties["client_id"]),
                           when=tables.ties["start"], until=tables.ties["end"], detail=detail(tables.ties, DETAIL["ties"])),
        tables.codings.assign(table="codings", row_id=tables.codings["coding_id"], kind="coding",  # a reading of the ties
                              what=tables.codings["label"] + ": " + tables.codings["description"]),
    ]
    flat = pd.concat([p.reindex(columns=COLUMNS) for p in pieces + _conflict_sides(tables.conflicts)], ignore_index=True)
    return flat.astype(TEXT).sort_values(["table", "row_id"], kind="stable").reset_index(drop=True)


def _dated_by_event(parts: pd.DataFrame, events: pd.DataFrame) -> pd.Series:
    """Where a participant's row cites another work than its event's, which work its ``when`` comes from: the date
    is the event's ('date from blauvelt-2008, the event's source'), the participant's source only says who took part
    (Leites and Bernaut name the men shot with Beria; the article's reading dates it 18 December)."""
    dated_by = parts["event_id"].map(events["source_id"])
    other = (dated_by.notna() & (dated_by != parts["source_id"])).fillna(False).to_numpy(dtype=bool)
    return ("date from " + dated_by + ", the event's source").where(other, pd.NA)


def _dated_by_conflict(rows: pd.DataFrame, conflicts: pd.DataFrame) -> pd.Series:
    """Where a row stands on one side of a documented disagreement over a date, and that side is a seed text the row
    does not cite, the seed text its date comes from ('the date of the reading 'article' of conflict execution-date-1953,
    from blauvelt-2008'): Dekanozov's execution on 18 December 1953 cites Leites and Bernaut, who name him among the
    men shot, for a day that is the article's. (A side from a reference work is left unsaid: a row citing another
    reference work for the same day states it itself.)"""
    sides = conflicts[conflicts["kind"] == "date"].set_index("conflict_id")
    side = {(c, r[f"reading_{s}"]): r[f"{s}_source_id"] for c, r in sides.iterrows() for s in ("a", "b")
            if r[f"{s}_evidence"] == "seed"}
    cited = [side.get((c, r)) for c, r in zip(rows["conflict_id"], rows["reading"], strict=True)]
    out = [f"the date of the reading '{r}' of conflict {c}, from {w}" if isinstance(w, str) and w != own else pd.NA
           for c, r, w, own in zip(rows["conflict_id"], rows["reading"], cited, rows["source_id"], strict=True)]
    return pd.Series(out, index=rows.index, dtype="object")


def _joined(*parts: pd.Series) -> pd.Series:
    """Row by row, the parts that are not empty, joined by '; ' (NA where all are)."""
    rows = pd.concat(parts, axis=1)
    joined = rows.apply(lambda r: "; ".join(v for v in r if isinstance(v, str) and v), axis=1) if len(rows) else rows.iloc[:, 0]
    return joined.where(joined != "", pd.NA)


def _named(tables, ids: pd.Series) -> pd.Series:
    """Each person id as his name (the id where the persons table has no such person)."""
    return ids.map(tables.persons.set_index("person_id")["name"]).fillna(ids)


def _conflict_sides(c: pd.DataFrame) -> list[pd.DataFrame]:
    """A disagreement as two assertions: each reading with its own source, locator, quote and evidence."""
    return [pd.DataFrame({"table": "conflicts", "row_id": c["conflict_id"] + "/" + side, "kind": "conflict:" + c["kind"],
                          "what": c["topic"] + " — reading '" + c[f"reading_{side}"] + "'",
                          "source_id": c[f"{side}_source_id"], "locator": c[f"{side}_locator"], "quote": c[f"{side}_quote"],
                          "evidence": c[f"{side}_evidence"], "conflict_id": c["conflict_id"], "reading": c[f"reading_{side}"]})
            for side in ("a", "b")]
