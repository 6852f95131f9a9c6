"""Who is who: summaries of the persons, their careers, the sources and the evidence."""

from __future__ import annotations

import pandas as pd

from patronage.analysis.careers import point
from patronage.tables.columns import TEXT
from patronage.tables.dates import to_date

STUDY_END = "1977-12-31"  # the last date the article follows (Kruglov's death)


def who_is_who(tables) -> pd.DataFrame:
    """One row per person with a career in the tables: names, life dates, fate, posts, rows.

    returns: DataFrame sorted by the start of the first spell (its point estimate: an open start, 'by 1938',
    is not read as edtf's ten years of padding before it).
    """
    p = tables.persons.set_index("person_id")
    s = tables.spells
    first = point(s, "start").groupby(s["person_id"].to_numpy()).min()
    top = s.groupby("person_id")["seniority"].max()
    # a fate recorded as an attribute, else 'executed' where he is the one executed at an execution event (the panel
    # of crises reads both; the attribute alone left men shot in the tables without a fate here)
    parts = tables.event_participants
    shot = set(parts.loc[parts["role"].eq("executed").fillna(False).to_numpy(dtype=bool), "person_id"])
    fate = p["fate"].astype(object).where(p["fate"].notna(), pd.Series({i: "executed" for i in shot}).reindex(p.index))
    rows = pd.DataFrame({
        "name": p["name"], "russian": p["name_cyrillic"],
        "born": p["born_lo"].dt.year.astype("Int64"), "died": p["died_hi"].dt.year.astype("Int64"),
        "fate": fate, "posts": s.groupby("person_id").size(), "highest rank": top,
    }).loc[first.sort_values(kind="stable").index]
    rows["posts"] = rows["posts"].astype("Int64")
    return rows


def sources_summary(tables) -> pd.DataFrame:
    """Each source that supports at least one row, with how many rows of each table it supports."""
    counts = {}
    for name, frame in tables.frames().items():
        if name != "sources":
            # a list of works ('medvedev-2006|sulianov-2005', a coding's) counts each work once per row
            cited = [frame[c].dropna().astype(str).str.split("|").explode().str.strip()
                     for c in ("source_id", "source_ids") if c in frame.columns]
            if cited:
                works = pd.concat(cited).rename("work").reset_index()
                counts[name] = works.drop_duplicates()["work"].value_counts().rename_axis("source_id")
    table = pd.DataFrame(counts).fillna(0).astype(int)
    table["total"] = table.sum(axis=1)
    src = tables.sources.set_index("source_id")
    table.insert(0, "reliability", src["reliability"].reindex(table.index))
    who = src["authors"].fillna(src["container"]).fillna(src["title"])
    table.insert(0, "work", (who + " " + src["year"].astype(TEXT).fillna("")).str.strip().reindex(table.index))
    return table.sort_values(["total", "work"], ascending=[False, True])


def evidence_summary(tables) -> pd.DataFrame:
    """Rows of each assertion table by evidence level, how many of the external rows quote their reference work
    (the others cite a work whose text was not read here), and how many belong to a conflict."""
    out = {}
    for name, frame in tables.frames().items():
        if "evidence" in frame.columns:
            external = (frame["evidence"] == "external").fillna(False)
            out[name] = {"seed": int((frame["evidence"] == "seed").sum()), "external": int(external.sum()),
                         "external, quoted": int((external & frame["quote"].notna()).sum()) if "quote" in frame else 0,
                         "in a conflict": int(frame["conflict_id"].notna().sum()) if "conflict_id" in frame else 0}
    return pd.DataFrame(out).T


def evidence_summary_with_refinements(tables) -> pd.DataFrame:
    """:func:`evidence_summary` with, per table, how many external rows refine a seed row (column ``refines``)."""
    table = evidence_summary(tables)
    table["of which refinements"] = [int(getattr(tables, n)["refines"].notna().sum()) if "refines" in getattr(tables, n)
                                     else 0 for n in table.index]
    return table


def _refined_seed_rows(tables) -> int:
    """How many refinements (rows with ``refines``) restate a seed row, the others restating a reference work's."""
    n = 0
    for frame in tables.frames().values():
        if "refines" in frame and "evidence" in frame:
            key = frame.columns[0]  # every table's first column is its id
            n += int(frame["refines"].map(frame.set_index(key)["evidence"]).eq("seed").sum())
    return n


def _cited(tables) -> set:
    """The works a row of any table cites (every column naming a source: source_id, names_source_id, a_source_id, ...,
    and each work of a list of them: a coding's source_ids)."""
    return {w.strip() for name, frame in tables.frames().items() if name != "sources"
            for col in frame.columns if col.endswith(("source_id", "source_ids")) for v in frame[col].dropna()
            for w in str(v).split("|")}


def _conflicts_sentence(conflicts: pd.DataFrame) -> str:
    """The documented conflicts by kind: between sources; corrections of a work's bibliographic details ('reference');
    the article against itself ('internal')."""
    kinds = conflicts["kind"].value_counts()
    parts = [f"{len(conflicts) - int(kinds.get('reference', 0)) - int(kinds.get('internal', 0))} between sources",
             f"{int(kinds.get('reference', 0))} on a work's bibliographic details", f"{int(kinds.get('internal', 0))} "
             "where the article disagrees with itself"]
    return f"{len(conflicts)} conflicts are recorded with both readings ({', '.join(p for p in parts if not p.startswith('0 '))})"


def describe(tables, view) -> list[str]:
    """What the tables hold, in sentences built from them: persons and careers, the evidence behind the rows,
    the refinements, the documented conflicts and the works cited."""
    summary = evidence_summary_with_refinements(tables)
    seed, external, quoted, refined = (int(summary[c].sum()) for c in ("seed", "external", "external, quoted",
                                                                       "of which refinements"))
    careers, of_seed, cited = tables.spells["person_id"].nunique(), _refined_seed_rows(tables), _cited(tables)
    listed = tables.sources["source_id"][tables.sources["in_article_references"].fillna(False).to_numpy(dtype=bool)]
    return [f"The tables name {len(tables.persons)} persons, {careers} of them with a recorded career: "
            f"{len(tables.spells)} rows on posts (a refinement, and each side of a conflict, a row of its own) in "
            f"{tables.spells['org_id'].nunique()} organisations.",
            f"{seed} rows state what the seed texts say, at their precision; {external} rest on other named works: "
            f"{quoted} of these quote the work (the others cite it without a quotation), and {refined} restate another row "
            f"more exactly and replace it when reference works are admitted ({of_seed} a seed row, {refined - of_seed} a "
            "reference work's).",
            f"{_conflicts_sentence(tables.conflicts)}. The sources list {len(tables.sources)} works, {len(cited)} of them "
            f"cited by a row; {len(listed)} are in the article's reference list, {len(set(listed) & cited)} of these cited by a row.",
            f"Under this run's choices ({view.selection.get('evidence')}, {view.selection.get('reading')}, "
            f"{view.selection.get('coding')}) the analysis reads {len(view.spells)} posts, {len(view.events)} events "
            f"and {len(view.ties)} ties."]


POST_COLUMNS = ["spell_id", "post", "org_id", "seniority", "start", "end", "source_id", "locator", "quote", "evidence"]


def posts_of(tables, person_id: str) -> pd.DataFrame:
    """The posts of one person, each with the source, locator and quotation that support it, in order of
    their start: its point estimate (:func:`patronage.analysis.careers.point`), not its EDTF text (which
    would put '/1948' before '1939-01'), then spell_id.

    returns: DataFrame with columns POST_COLUMNS.
    """
    spells = tables.spells[tables.spells["person_id"] == person_id]
    ordered = spells.assign(_start=point(spells, "start")).sort_values(["_start", "spell_id"], kind="stable")
    return ordered[POST_COLUMNS]


def timeline_segments(tables, end_default: str = STUDY_END) -> pd.DataFrame:
    """Spells as drawable segments: the certain core and the uncertain margins of each date.

    A spell runs from its start to its end; an EDTF date known only to the month or year (or
    approximately) spans a range, drawn as a faint margin. A spell without an end is drawn as a
    faint margin up to the person's death or the end of the study. A start known only as 'by' a day
    (an open start: its floor) is drawn from that day, with no margin: edtf's ten years of padding
    before it are no range a source gives.
    """
    s = tables.spells.merge(tables.persons[["person_id", "name", "died_lo"]], on="person_id", how="left")
    s = s.merge(tables.organisations[["org_id", "abbreviation", "name", "lineage", "kind"]].rename(
        columns={"name": "org_name"}), on="org_id", how="left")
    fallback = s["died_lo"].fillna(to_date(end_default))
    open_end = s["end_hi"].isna()
    end_lo = s["end_lo"].where(~open_end, s["start_hi"])
    end_hi = s["end_hi"].where(~open_end, fallback.where(fallback > s["start_hi"], s["start_hi"]))
    org = s["abbreviation"].fillna(s["org_name"])
    label = s["post"] + ", " + org + " (" + s["start"] + " – " + s["end"].fillna("?") + ")"
    base = {"person": s["name"], "lineage": s["lineage"], "kind": s["kind"], "label": label, "seniority": s["seniority"]}
    core = pd.DataFrame(base | {"start": s["start_hi"], "end": end_lo, "part": "certain"})
    opened = s["start_floor"].notna() if "start_floor" in s else pd.Series(False, index=s.index)
    lead = pd.DataFrame(base | {"start": s["start_lo"].where(~opened.to_numpy(dtype=bool), s["start_hi"]), "end": s["start_hi"],
                                "part": "uncertain"})
    tail = pd.DataFrame(base | {"start": end_lo, "end": end_hi, "part": "uncertain"})
    segs = pd.concat([core, lead, tail], ignore_index=True)
    segs = segs[segs["end"] > segs["start"]]
    return segs.sort_values(["person", "start", "part"], kind="stable").reset_index(drop=True)


