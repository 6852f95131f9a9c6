"""What a reader can do when most steps of a run decide nothing: whether the other named works would add clients
or move a verdict, why the steps decide nothing (an absence the records show, or a gap in them), and whether the
patron held any office the day before the day he is said to fall on."""

from __future__ import annotations

import pandas as pd

from patronage.analysis.careers import point_of, running_on
from patronage.analysis.verdicts import names_of, number


def hints(table: pd.DataFrame, evidence: str, tables=None, view=None, crisis=None, step_args: dict | None = None) -> list[str]:
    """What a reader can do when most steps have nothing to count ('no data' or 'no case'; computed from the verdict
    table; empty otherwise).

    Given all the ``tables``, the ``view`` the steps read (a selection of them) and the ``crisis``, the advice to
    admit the other named works is given only if they record more of the patron's clients that day or, given the
    ``step_args`` the steps were run with (:func:`patronage.analysis.hypotheses.run_all`), move a step's verdict
    (more ranks of the same clients can); otherwise the sentence says that neither evidence level holds anything
    that changes these steps for this patron on this day. A patron who held no office recorded the day before is
    said to have had none to fall from (a day after his fall, say), with his last office before it.
    """
    labels = table["verdict"][table["verdict"].isin(("no data", "no case"))]
    if 2 * len(labels) <= len(table):
        return []
    kinds = ", ".join(f"{n} {label}" for label, n in labels.value_counts().sort_index().items())
    head = f"{len(labels)} of {number(len(table), 'step')} have nothing to count ({kinds})."
    office = [] if view is None or crisis is None else [_no_office_before(view, crisis)]
    if evidence != "seed":
        return [head + " " + (office[0] if office and office[0] else _why_nothing(labels, _fall_recorded(view, crisis)))]
    if tables is None or view is None or crisis is None:
        return [head + " Under evidence 'seed' the tables hold only what the article and the blog post state, and they "
                "say little about this crisis; run with evidence 'seed+external' to add the facts from other named works."]
    return [head + " " + _what_other_works_add(table, tables, view, crisis, step_args), *filter(None, office)]


def _what_other_works_add(table: pd.DataFrame, tables, view, crisis, step_args: dict | None) -> str:
    """Whether the other named works would change what the steps under evidence 'seed' found: the clients they
    add that day, and (given ``step_args``) the steps whose verdict they move, each run again under 'seed+external'."""
    from patronage.analysis.crisis import make_crisis  # the crisis module builds on this one

    wider = tables.select(evidence="seed+external", reading=view.selection["reading"], coding=view.selection["coding"])
    years = crisis.horizon.year - crisis.date.year
    other = make_crisis(wider, crisis.patron, crisis.date, horizon_years=years, window_days=crisis.window_days)
    more, moved = len(other.roster) - len(crisis.roster), []
    if step_args is not None:
        from patronage.analysis.hypotheses import run_all  # the steps build on this module

        wide = {r.hypothesis: r.verdict for r in run_all(wider, other, **step_args)}
        moved = [f"{h} {v} -> {wide[h]}" for h, v in zip(table["hypothesis"], table["verdict"], strict=True) if wide.get(h, v) != v]
    if not moved and more <= 0:
        same = ", and every step run again with them gives the verdict it gives here" if step_args is not None else ""
        return (f"Neither the seed texts nor the other named works record more clients of this patron on this day{same}: "
                "the tables hold nothing more these steps can count here.")
    added = [f"record {number(more, 'more client')} of his that day"] if more > 0 else []
    added += [f"move {number(len(moved), 'step')} ({'; '.join(moved)})"] if moved else []
    return ("Under evidence 'seed' the tables hold only what the article and the blog post state; the other named "
            f"works {' and '.join(added)}: run with evidence 'seed+external'.")


def _fall_recorded(view, crisis) -> bool | None:
    """True if an event of the crisis acts against the patron (he is arrested, dismissed, purged... in it: TARGET_ROLES);
    None where the tables or the crisis are not given."""
    if view is None or crisis is None:
        return None
    from patronage.analysis.crisis import TARGET_ROLES, crisis_events  # the crisis module builds on this one

    parts = crisis_events(view, crisis.patron, crisis.date, crisis.window_days)
    return bool((parts["person_id"].eq(crisis.patron) & parts["role"].isin(TARGET_ROLES)).any())


def _why_nothing(labels: pd.Series, fall_recorded: bool | None = None) -> str:
    """Why the steps that decide nothing do not: 'no case' an absence the records show (no defector, reward or later turn
    to count: Malenkov's nine clients of 1955, none of whom defected), 'no data' a gap in them. Where no event of the
    fall is recorded (``fall_recorded`` False: Khrushchev's of October 1964), no act against him could be recorded
    either: what the steps find none of may be a gap in the records as well."""
    n = labels.value_counts()
    said = ("an absence the records show, not a gap in them" if fall_recorded is not False else
            "but the tables record no event of his fall either (no arrest, dismissal or purge of his at it), so this may be "
            "a gap in them as much as an absence")
    case = (f"{n['no case']} because the tables record none of what {'it counts' if n['no case'] == 1 else 'they count'} at "
            f"this crisis (a defector, a reward, a later turn to a rival): {said}") if n.get("no case") else ""
    data = f"{n['no data']} because the tables record too little for {'it' if n['no data'] == 1 else 'them'}" if n.get("no data") else ""
    return "Of these, " + "; ".join(filter(None, [case, data])) + "."


def _no_office_before(view, crisis) -> str:
    """'' if the patron held an office recorded the day before the crisis; else that he held none, and his last office
    ended before it (with its end as recorded), or that none of his is recorded before it."""
    day = crisis.date - pd.Timedelta(days=1)
    spells = view.spells
    mine = spells["person_id"] == crisis.patron
    if (mine & running_on(view, "spells", day)).any():
        return ""
    ended = spells[mine & (point_of(view, "spells", "end") < day).fillna(False)]
    name = names_of(view, [crisis.patron])
    if ended.empty:
        return (f"{name} held no office recorded on {day.date()}, the day before the crisis, nor any before it: a fall "
                "needs an office to fall from.")
    last = ended.assign(_end=point_of(view, "spells", "end")[ended.index]).sort_values(["_end", "spell_id"]).iloc[-1]
    if pd.notna(last["end_hi"]) and last["end_hi"] >= day:  # read as ended before the day, but its dates reach it
        return (f"{name} held no office the steps read as running on {day.date()}, the day before the crisis: his last "
                f"recorded office, {last['post']}, ended {last['end']} ({last['end_cause']}), a date that reaches that "
                "day but whose middle, which the steps read, lies before it; the records do not say whether he still "
                "held it, and a fall needs an office to fall from.")
    return (f"{name} held no office recorded on {day.date()}, the day before the crisis: a fall needs an office to fall "
            f"from. His last recorded office, {last['post']}, ended {last['end']} ({last['end_cause']}): the day may "
            "lie after his fall.")


