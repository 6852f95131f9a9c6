"""Ties inferred from careers: the rules political scientists use when no historian has judged.

Three rules over the spells (:func:`overlap_ties`, :func:`promotion_ties`, :func:`following_ties`)
and their union (:func:`union_ties`), each returning ties in the shape of the ties table. How they
compare with the ties historians assert, and the hypotheses re-run on them, are in
:mod:`patronage.robustness.inferred_vs_asserted`.

Ties between leaders. At the top of the hierarchy the rules read a shared body or a joint move
as patronage where historians see an alliance or a rivalry: the promotion rule makes Khrushchev
Malenkov's client because he became a Party secretary while Malenkov chaired the Council of
Ministers. Every inferred tie is therefore flagged ``between leaders`` when both the patron and
the client held a post of seniority >= :data:`LEADER_RANK` (6: a member of the Presidium or
Politburo, or the head of a union ministry; 7: the top leader) on the day the tie began (point
estimates of the spells' dates); :func:`patronage.robustness.inferred_vs_asserted.hypotheses_on_inferred`
leaves them out unless asked to keep them.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from patronage.analysis.careers import point
from patronage.analysis.offices import SUCCESSION_GAP
from patronage.tables.columns import TEXT

MONTH = pd.Timedelta(days=365.25 / 12)
OPEN_END = pd.Timestamp("2200-01-01")  # stands for "still running" in overlap arithmetic
RULES = ("overlap", "promotion", "following")
LEADER_RANK = 6
LEADERS = "between leaders"


def careers(view) -> pd.DataFrame:
    """The spells with their lineage and point-estimate days (an open end as OPEN_END)."""
    lineage = view.organisations.set_index("org_id")["lineage"]
    s = view.spells
    return pd.DataFrame({"spell_id": s["spell_id"].to_numpy(), "person_id": s["person_id"].to_numpy(),
                         "lineage": s["org_id"].map(lineage).to_numpy(), "seniority": s["seniority"].astype(int).to_numpy(),
                         "start": point(s, "start").dt.floor("D").to_numpy(),
                         "end": point(s, "end").dt.floor("D").fillna(OPEN_END).to_numpy(),
                         "appointed_by": s["appointed_by"].to_numpy()})


def _prior_rank(c: pd.DataFrame) -> pd.Series:
    """For each spell, the highest seniority its holder held in another spell running up to SUCCESSION_GAP before it began (0 if none)."""
    pairs = c.merge(c, on="person_id", suffixes=("", "_o"))
    pairs = pairs[(pairs["spell_id"] != pairs["spell_id_o"]) & (pairs["start_o"] < pairs["start"])
                  & (pairs["end_o"] >= pairs["start"] - SUCCESSION_GAP)]
    return pairs.groupby("spell_id")["seniority_o"].max().reindex(c["spell_id"]).fillna(0).astype(int).set_axis(c.index)


def _arrivals(c: pd.DataFrame) -> pd.DataFrame:
    """Spells by which a person enters a lineage: no other spell of his in it ran up to SUCCESSION_GAP before."""
    pairs = c.merge(c, on=["person_id", "lineage"], suffixes=("", "_o"))
    inside = pairs[(pairs["spell_id"] != pairs["spell_id_o"]) & (pairs["start_o"] < pairs["start"])
                   & (pairs["end_o"] >= pairs["start"] - SUCCESSION_GAP)]
    return c[~c["spell_id"].isin(inside["spell_id"])]


def _lasting_end(view, patron, client) -> pd.Timestamp:
    """The end of a lasting tie: the earlier recorded death of the two (NaT if neither is recorded dead)."""
    died = view.persons.set_index("person_id")
    days = [point(died.loc[[p]], "died").iloc[0] for p in (patron, client) if p in died.index]
    days = [d for d in days if pd.notna(d)]
    return min(days) if days else pd.NaT


def as_ties(view, found: pd.DataFrame, rule: str) -> pd.DataFrame:
    """Inferred ties in the shape (columns and dtypes) of the ties table, with a last column ``between leaders``.

    found: patron_id, client_id, start (Timestamp), end (Timestamp or NaT), basis, note; one
    row per pair. The dates are point estimates, so both bounds of each equal the day; kind is
    'patronage', codings and evidence 'inferred', defected False, motive and sources NA;
    ``between leaders`` from :func:`leader_ties`.
    """
    like = view.ties
    found = found.sort_values(["patron_id", "client_id"], kind="stable").reset_index(drop=True)
    n = len(found)
    start = pd.to_datetime(pd.Series(found["start"], dtype="object")).astype("datetime64[s]").dt.floor("D")
    end = pd.to_datetime(pd.Series(found["end"], dtype="object")).astype("datetime64[s]").dt.floor("D")
    iso = lambda days: [d.date().isoformat() if pd.notna(d) else pd.NA for d in days]  # noqa: E731
    values = {"tie_id": [f"inferred-{rule}-{p}-{c}" for p, c in zip(found["patron_id"], found["client_id"], strict=True)],
              "patron_id": list(found["patron_id"]), "client_id": list(found["client_id"]), "kind": ["patronage"] * n,
              "start": iso(start), "end": iso(end), "basis": list(found["basis"]), "defected": [False] * n,
              "codings": ["inferred"] * n, "evidence": ["inferred"] * n, "note": list(found["note"]),
              "start_lo": start, "start_hi": start, "end_lo": end, "end_hi": end}
    out = {}
    for col in like.columns:
        data = values.get(col, [pd.NaT if str(like[col].dtype).startswith("datetime64") else pd.NA] * n)
        out[col] = pd.Series(list(data), dtype=like[col].dtype)
    out = pd.DataFrame(out, index=pd.RangeIndex(n))
    out[LEADERS] = leader_ties(view, out)
    return out


def rank_on(view, persons, days) -> np.ndarray:
    """Each person's highest seniority among his spells running on the paired day (point
    estimates of the spells' dates; an open end runs on); -1 where none is recorded that day."""
    c = careers(view)
    asked = pd.DataFrame({"person_id": list(persons), "day": pd.to_datetime(pd.Series(list(days), dtype="object")),
                          "row": range(len(persons))})
    pairs = asked.merge(c[["person_id", "seniority", "start", "end"]], on="person_id")
    pairs = pairs[(pairs["start"] <= pairs["day"]) & (pairs["end"] >= pairs["day"])]
    return pairs.groupby("row")["seniority"].max().reindex(range(len(asked)), fill_value=-1).to_numpy()


def leader_ties(view, ties: pd.DataFrame, rank: int = LEADER_RANK) -> pd.Series:
    """Whether each tie is between leaders: on the day it began (``start_lo``), both the patron and the
    client held a post of seniority >= ``rank`` (see the module docstring).

    returns: a boolean Series aligned with ``ties``.
    """
    if ties.empty:
        return pd.Series(False, index=ties.index, dtype=bool)
    day = ties["start_lo"]
    patron = rank_on(view, ties["patron_id"], day)
    client = rank_on(view, ties["client_id"], day)
    return pd.Series((patron >= rank) & (client >= rank), index=ties.index, dtype=bool)


def _pairs_first(found: list[dict]) -> pd.DataFrame:
    """One row per (patron, client): from the earliest evidence to the latest end (open if any is open),
    the bases and notes of all the evidence joined."""
    frame = pd.DataFrame(found, columns=["patron_id", "client_id", "start", "end", "basis", "note"])
    frame = frame[frame["patron_id"] != frame["client_id"]]
    if frame.empty:
        return frame
    frame = frame.sort_values(["patron_id", "client_id", "start", "basis"], kind="stable")
    groups = frame.groupby(["patron_id", "client_id"], sort=True)
    out = pd.DataFrame({"start": groups["start"].min(),
                        "end": groups["end"].agg(lambda e: pd.NaT if e.isna().any() else e.max()),
                        "basis": groups["basis"].agg(lambda b: "|".join(sorted(set(b)))),
                        "note": groups["note"].agg(lambda n: "; ".join(dict.fromkeys(n)))})
    return out.reset_index()


def _close(view, found: pd.DataFrame, lasting: bool) -> pd.DataFrame:
    """End each tie at the earlier death of the two if ``lasting``, else keep the end of the evidence."""
    if lasting and len(found):
        found = found.assign(end=[_lasting_end(view, p, c) for p, c in zip(found["patron_id"], found["client_id"], strict=True)])
    return found


def overlap_ties(view, months: float = 12, lasting: bool = True) -> pd.DataFrame:
    """Overlap rule: the client served at least ``months`` months in the same organisation lineage
    (organisations.lineage, so an office is followed across renamings) while the patron held a
    higher seniority there.

    The shared time is the union, per lineage, of the intervals in which a spell of the client
    and a higher spell of the patron ran together (point estimates of the dates; a month is
    365.25/12 days). The tie starts on the day the shared time reached ``months``. With
    ``lasting`` (the usual assumption that a connection, once made, persists) it ends at the
    earlier recorded death of the two; otherwise at the end of the last shared interval.

    returns: a DataFrame in the shape of the ties table (basis 'overlap').
    """
    c = careers(view)
    pairs = c.merge(c, on="lineage", suffixes=("_p", "_c"))
    pairs = pairs[(pairs["person_id_p"] != pairs["person_id_c"]) & (pairs["seniority_p"] > pairs["seniority_c"])]
    pairs = pairs.assign(a=np.maximum(pairs["start_p"], pairs["start_c"]), b=np.minimum(pairs["end_p"], pairs["end_c"]))
    pairs = pairs[pairs["a"] < pairs["b"]]
    need = months * MONTH
    found = []
    for (p, cl, lin), g in pairs.groupby(["person_id_p", "person_id_c", "lineage"], sort=True):
        total, formed, last_end = _shared_time(zip(g["a"], g["b"], strict=True), need)
        if pd.notna(formed):
            found.append({"patron_id": p, "client_id": cl, "start": formed,
                          "end": pd.NaT if last_end >= OPEN_END else last_end, "basis": "overlap",
                          "note": f"{total / MONTH:.0f} months under him in {lin}"})
    return as_ties(view, _close(view, _pairs_first(found), lasting), "overlap")


def _shared_time(intervals, need: pd.Timedelta) -> tuple[pd.Timedelta, pd.Timestamp, pd.Timestamp]:
    """The union of (start, end) intervals: its total length, the day on which it reached ``need`` (NaT if
    never), and its last end."""
    total, formed, last_end = pd.Timedelta(0), pd.NaT, pd.NaT
    cur_a, cur_b = None, None
    merged = []
    for a, b in sorted(intervals):
        if cur_b is not None and a <= cur_b:
            cur_b = max(cur_b, b)
        else:
            if cur_a is not None:
                merged.append((cur_a, cur_b))
            cur_a, cur_b = a, b
    merged.append((cur_a, cur_b))
    for a, b in merged:
        if pd.isna(formed) and total + (b - a) >= need:
            formed = a + (need - total)
        total += b - a
        last_end = b
    return total, formed, last_end


def promotion_ties(view, lasting: bool = True) -> pd.DataFrame:
    """Promotion rule: the client was promoted while the patron held authority over the post.

    A promotion is a spell of a seniority above the highest the person held in any spell
    running up to SUCCESSION_GAP before it began; as step 1 reads a promotion
    (:func:`patronage.analysis.advancement.promotions`), neither his first recorded post nor one whose start no
    source gives is one unless its appointer is recorded. The
    patron held authority if he held a higher seniority in the same lineage on the day the
    promotion began; the spell's ``appointed_by``, where recorded, counts too (basis
    'appointed'). The tie starts on that day; ends as in :func:`overlap_ties`.

    returns: a DataFrame in the shape of the ties table (basis 'promotion' or 'appointed').
    """
    c = careers(view)
    dated = view.spells["start_floor"].isna().to_numpy(dtype=bool) if "start_floor" in view.spells else True
    after_another = (c["start"] > c.groupby("person_id")["start"].transform("min")).to_numpy(dtype=bool)
    promoted = c[(c["seniority"] > _prior_rank(c)) & ((after_another & dated) | c["appointed_by"].notna())]
    pairs = promoted.merge(c, on="lineage", suffixes=("", "_p"))
    pairs = pairs[(pairs["person_id_p"] != pairs["person_id"]) & (pairs["seniority_p"] > pairs["seniority"])
                  & (pairs["start_p"] <= pairs["start"]) & (pairs["end_p"] >= pairs["start"])]
    found = [{"patron_id": r.person_id_p, "client_id": r.person_id, "start": r.start, "end": r.end if r.end < OPEN_END else pd.NaT,
              "basis": "promotion", "note": f"promoted to rank {r.seniority} in {r.lineage} ({r.spell_id}) under rank {r.seniority_p}"}
             for r in pairs.itertuples()]
    named = promoted[promoted["appointed_by"].notna()]
    found += [{"patron_id": r.appointed_by, "client_id": r.person_id, "start": r.start,
               "end": r.end if r.end < OPEN_END else pd.NaT, "basis": "appointed",
               "note": f"appointed him to rank {r.seniority} in {r.lineage} ({r.spell_id})"} for r in named.itertuples()]
    return as_ties(view, _close(view, _pairs_first(found), lasting), "promotion")


def following_ties(view, months: float = 6, lasting: bool = True) -> pd.DataFrame:
    """Following rule: the client moved to a new organisation within ``months`` months after the patron moved there.

    A move is a spell by which a person enters a lineage (he held no spell in it up to
    SUCCESSION_GAP before, so a renaming is not a move). The client follows if he entered the
    lineage on the patron's day of entry or up to ``months`` later, while the patron still held his
    entering spell, at a lower seniority than it. The tie starts on the client's arrival; ends as in
    :func:`overlap_ties`.

    returns: a DataFrame in the shape of the ties table (basis 'following').
    """
    moves = _arrivals(careers(view))
    pairs = moves.merge(moves, on="lineage", suffixes=("_p", "_c"))
    pairs = pairs[(pairs["person_id_p"] != pairs["person_id_c"]) & (pairs["seniority_p"] > pairs["seniority_c"])
                  & (pairs["start_c"] >= pairs["start_p"]) & (pairs["start_c"] <= pairs["start_p"] + months * MONTH)
                  & (pairs["end_p"] >= pairs["start_c"])]  # one cannot follow a man who has already left
    found = [{"patron_id": r.person_id_p, "client_id": r.person_id_c, "start": r.start_c,
              "end": min(r.end_p, r.end_c) if min(r.end_p, r.end_c) < OPEN_END else pd.NaT, "basis": "following",
              "note": f"entered {r.lineage} {(r.start_c - r.start_p).days} days after him ({r.spell_id_c})"}
             for r in pairs.itertuples()]
    return as_ties(view, _close(view, _pairs_first(found), lasting), "following")


def inferred_ties(view, overlap_months: float = 12, follow_months: float = 6, lasting: bool = True) -> dict[str, pd.DataFrame]:
    """The three rules, and their union ('any rule': one tie per pair, the earliest), by name."""
    rules = {"overlap": overlap_ties(view, months=overlap_months, lasting=lasting),
             "promotion": promotion_ties(view, lasting=lasting),
             "following": following_ties(view, months=follow_months, lasting=lasting)}
    rules["any rule"] = union_ties(view, rules.values())
    return rules


def union_ties(view, frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Several sets of inferred ties as one: one tie per pair, the earliest, its basis naming every rule that found it."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return as_ties(view, pd.DataFrame(columns=["patron_id", "client_id", "start", "end", "basis", "note"]), "any")
    allt = pd.concat(frames, ignore_index=True).sort_values(["patron_id", "client_id", "start_lo", "tie_id"], kind="stable")
    bases = allt.groupby(["patron_id", "client_id"])["basis"].agg(lambda b: "|".join(sorted(set(b))))
    first = allt.drop_duplicates(["patron_id", "client_id"]).set_index(["patron_id", "client_id"])
    first["basis"] = bases.astype(TEXT)
    first = first.reset_index()
    first["tie_id"] = ("inferred-any-" + first["patron_id"] + "-" + first["client_id"]).astype(TEXT)
    first = first[list(frames[0].columns)].reset_index(drop=True)
    first[LEADERS] = leader_ties(view, first)
    return first
