"""A panel of succession crises: every fall of a patron the tables record, and every hypothesis on each.

The crises are found in the data, never typed in. Under the tables' current selection:

- a *patron* is anyone who is the patron in at least one patronage tie;
- a *loss* is an event in which a person takes part as ``arrested``, ``dismissed`` or ``purged``
  (so a coup in which he is arrested is one);
- a loss is a *fall* if it cost him his highest office and nothing made up for it: he held an
  office the day before; he was arrested (an arrest ends every office), or an office he held at
  his highest rank that day ended within ``within_days`` after the event; and no new office of at
  least that rank began for him in the same span. A loss that takes only a lesser post, or is
  followed at once by an equal or higher one, is a reshuffle, not a fall: Khrushchev giving up
  the Moscow party committee in March 1953 and becoming the leading Secretary of the Central
  Committee the same month;
- losses of the same person within ``within_days`` after a fall belong to that fall.

A *crisis* is the fall of a patron. Its date is the point estimate (midpoint) of the event's
EDTF date, as a day. A patron can fall more than once (Malenkov in 1955 and in 1957); a crisis
whose roster is empty stays in the panel, with its verdicts "no data".
"""

from __future__ import annotations

import pandas as pd
from scipy import stats

from patronage.analysis.careers import point, posts_as_of
from patronage.analysis.crisis import DAY, Crisis, make_crisis
from patronage.analysis.hypotheses import run_all
from patronage.analysis.verdicts import VERDICTS

PersonId = str
FALL_ROLES = ("arrested", "dismissed", "purged")
CRISIS_COLUMNS = ["patron_id", "date", "event_id", "title"]


def patrons(tables) -> set[PersonId]:
    """Everyone who is the patron in at least one patronage tie of the selection."""
    t = tables.ties
    return set(t.loc[t["kind"] == "patronage", "patron_id"])


def losses(tables) -> pd.DataFrame:
    """Every participation as arrested, dismissed or purged: person, event, role, day and title.

    One row per person and event (the first role in FALL_ROLES order if he had several), by day.
    """
    e = tables.events.assign(day=point(tables.events, "date").dt.floor("D"))
    p = tables.event_participants[tables.event_participants["role"].isin(FALL_ROLES)]
    p = p.assign(order=p["role"].map(FALL_ROLES.index)).sort_values(["event_id", "person_id", "order"])
    p = p.drop_duplicates(["event_id", "person_id"]).merge(e[["event_id", "day", "title"]], on="event_id")
    return p[["person_id", "event_id", "role", "day", "title"]].sort_values(
        ["day", "person_id", "event_id"], kind="stable").reset_index(drop=True)


def is_fall(tables, person: PersonId, day: pd.Timestamp, role: str, within_days: int = 30) -> bool:
    """True if a loss on ``day`` cost ``person`` his highest office and no new office made up for it.

    See the module docstring for the rule.
    """
    held = posts_as_of(tables, day - DAY)
    held = held[held["person_id"] == person]
    if held.empty:
        return False
    rank, until = held["seniority"].max(), day + pd.Timedelta(days=within_days)
    ended = point(held, "end")[held["seniority"] == rank]
    s = tables.spells
    began = point(s, "start")
    new = s[(s["person_id"] == person) & ~s["spell_id"].isin(held["spell_id"]) & (s["seniority"] >= rank)
            & (began >= day - DAY) & (began <= until)]
    return bool((role == "arrested" or (ended <= until).any()) and new.empty)


def falls(tables, within_days: int = 30) -> pd.DataFrame:
    """Every fall the tables record, of patrons and of everyone else.

    returns: person_id, date, event_id, title, role, and patron (True if the person is a patron).
    """
    rows, last = [], {}
    for loss in losses(tables).itertuples(index=False):
        seen = last.get(loss.person_id)
        if seen is not None and loss.day - seen <= pd.Timedelta(days=within_days):
            continue
        if is_fall(tables, loss.person_id, loss.day, loss.role, within_days):
            last[loss.person_id] = loss.day
            rows.append({"person_id": loss.person_id, "date": loss.day, "event_id": loss.event_id,
                         "title": loss.title, "role": loss.role})
    out = pd.DataFrame(rows, columns=["person_id", "date", "event_id", "title", "role"])
    return out.assign(patron=out["person_id"].isin(patrons(tables)).astype(bool))


def crises(tables, within_days: int = 30) -> pd.DataFrame:
    """The crises the tables record: the falls of patrons, by date.

    returns: patron_id, date (a day), event_id, title.
    """
    f = falls(tables, within_days)
    f = f[f["patron"]].rename(columns={"person_id": "patron_id"})
    return f[CRISIS_COLUMNS].sort_values(["date", "patron_id"], kind="stable").reset_index(drop=True)


def label(tables, patron: PersonId, date) -> str:
    """A crisis' short name: the patron's surname and the day, e.g. 'Beria 1953-06-26'."""
    surname = tables.persons.set_index("person_id")["surname"].get(patron, patron)
    return f"{surname} {pd.Timestamp(date).date().isoformat()}"


def make_crises(tables, found: pd.DataFrame, horizon_years: float = 10) -> dict[str, Crisis]:
    """One Crisis per row of ``found`` (from :func:`crises`), keyed by its label, in date order."""
    return {label(tables, c.patron_id, c.date): make_crisis(tables, c.patron_id, c.date, horizon_years=horizon_years)
            for c in found.itertuples(index=False)}


def roster_sizes(crisis: Crisis, min_rank: int = 4) -> dict[str, int]:
    """How many clients a crisis' roster holds, how many of rank >= min_rank, how many defected."""
    r = crisis.roster
    return {"clients": len(r), "top clients": int((r["rank_before"] >= min_rank).sum()),
            "defectors": int(r["defected"].sum())}


def panel(tables, found: pd.DataFrame, horizon_years: float = 10, min_rank: int = 4, rare_share: float = 0.1,
          window_days: int = 365, alpha: float = 0.05) -> pd.DataFrame:
    """The verdict of every hypothesis for every crisis: one row per crisis x hypothesis.

    found: the crises, as :func:`crises` returns them.
    returns: crisis, patron_id, date, clients, top clients, defectors, hypothesis, value, verdict.
    """
    rows = []
    for name, crisis in make_crises(tables, found, horizon_years).items():
        sizes = roster_sizes(crisis, min_rank)
        for result in run_all(tables, crisis, rare_share=rare_share, min_rank=min_rank, window_days=window_days,
                              alpha=alpha):
            rows.append({"crisis": name, "patron_id": crisis.patron, "date": crisis.date.date().isoformat(), **sizes,
                         "hypothesis": result.hypothesis, "value": result.value, "verdict": result.verdict})
    columns = ["crisis", "patron_id", "date", "clients", "top clients", "defectors", "hypothesis", "value", "verdict"]
    return pd.DataFrame(rows, columns=columns)


def verdict_grid(result: pd.DataFrame) -> pd.DataFrame:
    """The verdicts as a table: one row per crisis (in date order), one column per hypothesis."""
    order = result.drop_duplicates("crisis").sort_values(["date", "crisis"])["crisis"]
    grid = result.pivot(index="crisis", columns="hypothesis", values="verdict")
    return grid.reindex(order).rename_axis(columns=None)


def summary(result: pd.DataFrame) -> pd.DataFrame:
    """Small-N summary across crises: for each hypothesis, in how many crises each verdict came out.

    returns: one row per hypothesis (sorted), a column per verdict, and ``crises`` (the total).
    """
    counts = pd.crosstab(result["hypothesis"], result["verdict"]).reindex(columns=list(VERDICTS), fill_value=0)
    counts = counts.assign(crises=counts.sum(axis=1)).sort_index()
    return counts.rename_axis(index="hypothesis", columns=None).astype(int)


def pooled_defection(rosters: dict[str, Crisis], min_rank: int = 4, confidence: float = 0.95) -> pd.Series:
    """Defection among the top clients (rank >= min_rank) of all crises pooled, with the exact interval.

    Pooling treats every top client of every crisis as one draw from a common rate: an assumption,
    not a finding (the crises differ, and one crisis may hold most of the clients). The number of
    crises with any defection is given beside it.
    """
    tops = [c.roster[c.roster["rank_before"] >= min_rank] for c in rosters.values()]
    n, k = sum(len(t) for t in tops), sum(int(t["defected"].sum()) for t in tops)
    low, high = (float("nan"),) * 2
    if n:
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="exact")
        low, high = ci.low, ci.high
    return pd.Series({"crises": len(rosters), "crises with top clients": sum(len(t) > 0 for t in tops),
                      "crises with a defection": sum(bool(t["defected"].any()) for t in tops),
                      "top clients": n, "defected": k, "share": k / n if n else float("nan"),
                      f"exact {confidence:.0%} CI low": low, f"exact {confidence:.0%} CI high": high}, dtype="object")


def lost_before(tables, crisis: Crisis, days: int = 365) -> pd.DataFrame:
    """The patron's clients whose patronage tie ended in the ``days`` before his fall, and their fate.

    They are not on the roster (a roster holds the clients of the day before): a network taken
    apart before its patron fell shows here, not in the verdicts.
    """
    t = tables.ties
    end = point(t, "end")
    gone = t[(t["kind"] == "patronage") & (t["patron_id"] == crisis.patron)
             & (end < crisis.date - DAY) & (end >= crisis.date - pd.Timedelta(days=days))]
    fate = tables.persons.set_index("person_id")["fate"]
    return pd.DataFrame({"client_id": gone["client_id"].to_numpy(), "tie ended": gone["end"].to_numpy(),
                         "fate": fate.reindex(gone["client_id"]).to_numpy()}).sort_values(
        ["tie ended", "client_id"]).reset_index(drop=True)


def defections(tables, rosters: dict[str, Crisis]) -> pd.DataFrame:
    """Every defection the tables record (a tie with ``defected`` true), and the crisis that counts it.

    A defection is counted by a crisis if its client is a defector on the roster of that crisis of
    its patron. The others happened where no patron fell (Rukhadze leaving Beria before the
    Mingrelian affair; a client deserting a patron who survived), or are not patronage ties.

    returns: tie_id, patron_id, client_id, kind, defection_date, counted in (a crisis label, or "none").
    """
    counted = {(c.patron, d): name for name, c in rosters.items() for d in c.defectors}
    t = tables.ties[tables.ties["defected"].fillna(False).astype(bool)]
    where = [counted.get((p, c), "none") for p, c in zip(t["patron_id"], t["client_id"], strict=True)]
    out = t.assign(**{"counted in": where})
    return out[["tie_id", "patron_id", "client_id", "kind", "defection_date", "counted in"]].sort_values(
        "tie_id").reset_index(drop=True)


# --- the crises a historian lists: data/crises.yaml -----------------------------------------------------------------

CRISES_FILE = "crises.yaml"
CRISIS_KEYS = ("name", "patron", "date", "event", "model", "note")
MODELS = ("fall", "attacked network")
LIST_COLUMNS = ["crisis", "patron_id", "date", "event_id", "model", "note"]


class CrisisListError(ValueError):
    """The list of crises is malformed; ``problems`` holds one line per defect (entry, field, value, what to do)."""

    def __init__(self, path, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the list of crises {path}:\n"
                         + "\n".join(f"  {p}" for p in problems))


def read_crisis_list(path=None) -> list[dict]:
    """The entries of the crises file as written (a list of mappings under ``crises:``); raises CrisisListError."""
    import yaml

    from patronage import config

    path = config.DATA_DIR / CRISES_FILE if path is None else path
    try:
        spec = yaml.safe_load(open(path, encoding="utf-8").read())
    except OSError as exc:
        raise CrisisListError(path, [f"cannot read it: {exc.strerror}"]) from None
    except yaml.YAMLError as exc:
        raise CrisisListError(path, [f"not valid YAML: {exc}"]) from None
    entries = spec.get("crises") if isinstance(spec, dict) else None
    if not isinstance(entries, list) or not entries:
        raise CrisisListError(path, ["expected a mapping with a non-empty list under 'crises:'"])
    return entries


def check_crisis(tables, entry, where: str) -> tuple[dict | None, list[str]]:
    """One entry of the crises file checked against the tables: (the crisis as a row, or None; its problems).

    An entry names the crisis (``name``), the fallen patron or the patron of the attacked network
    (``patron``: a person id or any recorded name), the day (``date``: an ISO day), the event row
    that dates it (``event``: an event_id, whose date must contain the day), how it is modelled
    (``model``: 'fall' or 'attacked network') and optionally a ``note``.
    """
    from patronage.build import parameters
    from patronage.errors import ParameterError

    if not isinstance(entry, dict):
        return None, [f"{where}: expected a mapping with keys {', '.join(CRISIS_KEYS)}, got {entry!r}"]
    problems = [f"{where}: unknown key {k!r}; the keys are {', '.join(CRISIS_KEYS)}" for k in entry if k not in CRISIS_KEYS]
    problems += [f"{where}: missing {k!r}" for k in CRISIS_KEYS[:5] if k not in entry]
    row = {"crisis": entry.get("name"), "note": entry.get("note") or ""}
    if "name" in entry and (not isinstance(entry["name"], str) or not entry["name"].strip()):
        problems.append(f"{where}: name must be a non-empty text, not {entry['name']!r}")
    if "patron" in entry:
        try:
            row["patron_id"] = parameters.person("patron", str(entry["patron"]), tables)
        except ParameterError as exc:
            problems.append(f"{where}: unknown person {entry['patron']!r}: {exc.choices}")
    if "date" in entry:
        value = entry["date"].isoformat() if hasattr(entry["date"], "isoformat") else entry["date"]
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ParameterError("date", value, "give the day as YYYY-MM-DD")
            row["date"] = parameters.date("date", value, tables)
        except ParameterError as exc:
            problems.append(f"{where}: bad date {value!r}: {exc.choices}")
    if "model" in entry and entry["model"] not in MODELS:
        problems.append(f"{where}: model {entry['model']!r} is not one of {', '.join(MODELS)}")
    row["model"] = entry.get("model")
    if "event" in entry:
        events = tables.events.set_index("event_id")
        if entry["event"] not in events.index:
            problems.append(f"{where}: unknown event {entry['event']!r}: no such event_id in events.csv")
        else:
            row["event_id"] = entry["event"]
            e = events.loc[entry["event"]]
            if "date" in row and not e["date_lo"] <= row["date"] <= e["date_hi"]:
                problems.append(f"{where}: date {row['date'].date()} lies outside the event {entry['event']!r}, "
                                f"dated {e['date']}")
    return (row if not problems else None), problems


def crisis_list(tables, path=None) -> pd.DataFrame:
    """The crises of the panel, read from the crises file (data/crises.yaml) and checked against the tables.

    returns: crisis (its name), patron_id, date (a day), event_id, model, note; in the file's order.
    raises CrisisListError listing every problem (an unknown person, a bad date, an unknown event, ...).
    """
    rows, problems = [], []
    entries = read_crisis_list(path)
    for i, entry in enumerate(entries, start=1):
        name = entry.get("name") if isinstance(entry, dict) else None
        row, found = check_crisis(tables, entry, f"entry {i}" + (f" ({name})" if name else ""))
        problems += found
        if row is not None:
            rows.append(row)
    names = [e.get("name") for e in entries if isinstance(e, dict) and isinstance(e.get("name"), str)]
    problems += [f"the name {n!r} is given to more than one crisis" for n in sorted({n for n in names if names.count(n) > 1})]
    if problems:
        raise CrisisListError(path or CRISES_FILE, problems)
    return pd.DataFrame(rows, columns=LIST_COLUMNS)


# --- the panel's tables ---------------------------------------------------------------------------------------------

PANEL_COLUMNS = ["crisis", "patron", "date", "hypothesis", "verdict", "top_clients", "defected"]


def named_crises(tables, listed: pd.DataFrame, horizon_years: float = 10) -> dict[str, Crisis]:
    """One Crisis per row of the crises list (from :func:`crisis_list`), keyed by its name, in the list's order."""
    return {c.crisis: make_crisis(tables, c.patron_id, c.date, horizon_years=horizon_years)
            for c in listed.itertuples(index=False)}


def top_clients(tables, crisis: Crisis, min_rank: int = 4) -> pd.DataFrame:
    """The patron's clients in high office (rank >= min_rank) the day before, each with the rows that put him there.

    returns: person_id, name, tie (the patronage tie running that day), post the day before
    (the spell that gives his rank), rank, defected.
    """
    from patronage.analysis.populations import population

    pop = population(tables, crisis, "high office", min_rank)
    defected = crisis.roster.set_index("client_id")["defected"]
    return pop.members[["person_id", "name", "tie", "post the day before", "rank"]].assign(
        defected=[bool(defected.get(p, False)) for p in pop.ids])


def panel_table(tables, rosters: dict[str, Crisis], listed: pd.DataFrame, min_rank: int = 4, rare_share: float = 0.1,
                window_days: int = 365, alpha: float = 0.05, population: str = "high office") -> pd.DataFrame:
    """The panel: one row per crisis and hypothesis (:data:`PANEL_COLUMNS`, then value and population).

    Each crisis is tested by :func:`patronage.analysis.hypotheses.run_all`, exactly as notebook 03 tests one;
    ``population`` is whom the loyalty step counts (by default every client in high office, the
    top clients whose number the row gives). top_clients: his clients of rank >= min_rank the day
    before; defected: how many of them defected.
    """
    names = tables.persons.set_index("person_id")["name"]
    rows = []
    for c in listed.itertuples(index=False):
        crisis = rosters[c.crisis]
        top = top_clients(tables, crisis, min_rank)
        for r in run_all(tables, crisis, rare_share=rare_share, min_rank=min_rank, window_days=window_days, alpha=alpha,
                         population=population):
            rows.append({"crisis": c.crisis, "patron": names.get(c.patron_id, c.patron_id),
                         "date": crisis.date.date().isoformat(), "hypothesis": r.hypothesis, "verdict": r.verdict,
                         "top_clients": len(top), "defected": int(top["defected"].sum()), "value": r.value,
                         "population": r.population})
    return pd.DataFrame(rows, columns=[*PANEL_COLUMNS, "value", "population"])


def no_data_share(table: pd.DataFrame) -> float:
    """The share of the panel's cells (crisis x hypothesis) whose verdict is 'no data'."""
    return float((table["verdict"] == "no data").mean()) if len(table) else float("nan")


def pooled_top_clients(tables, rosters: dict[str, Crisis], min_rank: int = 4, confidence: float = 0.95,
                       leave_out: str | None = None) -> pd.Series:
    """Defection among the top clients of the crises pooled (optionally leaving one crisis out), with the exact interval.

    A client who is a top client in two crises counts once per crisis: each crisis is a separate
    chance to defect. Pooling treats every one as a draw from one common rate: an assumption, not
    a finding (see the notebook's caveats).
    """
    tops = {name: top_clients(tables, c, min_rank) for name, c in rosters.items() if name != leave_out}
    n, k = sum(len(t) for t in tops.values()), sum(int(t["defected"].sum()) for t in tops.values())
    low = high = float("nan")
    if n:
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="exact")
        low, high = ci.low, ci.high
    return pd.Series({"crises": len(tops), "top clients": n, "defected": k, "share": k / n if n else float("nan"),
                      "ci low": low, "ci high": high, "confidence": confidence}, dtype="object")


def rarer_than_case(tables, rosters: dict[str, Crisis], case: str, min_rank: int = 4) -> pd.Series:
    """Was defection rarer in the other crises than among the case's first deputies? Two exact one-sided tests.

    The case's rate is that of its first deputies (the article's 2 of 3 for Beria); the others are
    the top clients of every other crisis, pooled. Fisher's exact test (alternative 'less': the
    others' odds of defecting are lower) treats both as samples; the binomial test takes the case's
    share as a fixed rate p0 and asks whether the others' count is improbably low under it.
    """
    from patronage.analysis.populations import first_deputies

    crisis = rosters[case]
    deputies = first_deputies(tables, crisis)
    defected = crisis.roster.set_index("client_id")["defected"]
    k_case, n_case = int(sum(bool(defected[p]) for p in deputies)), len(deputies)
    rest = pooled_top_clients(tables, rosters, min_rank, leave_out=case)
    k, n = int(rest["defected"]), int(rest["top clients"])
    out = {"case": case, "case defected": k_case, "case first deputies": n_case, "others defected": k, "others top clients": n,
           "fisher odds ratio": float("nan"), "fisher p (one-sided, less)": float("nan"), "binomial p0": float("nan"),
           "binomial p (one-sided, less)": float("nan")}
    if n and n_case:
        odds, p = stats.fisher_exact([[k, n - k], [k_case, n_case - k_case]], alternative="less")
        out |= {"fisher odds ratio": float(odds), "fisher p (one-sided, less)": float(p), "binomial p0": k_case / n_case,
                "binomial p (one-sided, less)": float(stats.binomtest(k, n, k_case / n_case, alternative="less").pvalue)}
    return pd.Series(out, dtype="object")


FATE_ORDER = ("shot", "arrested", "dismissed", "demoted", "kept his post", "promoted", "not recorded")


def client_fate(tables, crisis: Crisis, person: PersonId, rank_before, window_days: int = 365) -> tuple[str, str]:
    """What became of one client within ``window_days`` after the crisis, in one word, and how (the row's words).

    shot (executed within the span), arrested, dismissed (a loss of office other than arrest),
    demoted (his highest rank in the span fell below his rank the day before, with no loss),
    promoted (it rose), kept his post (it stayed), not recorded.
    """
    from patronage.analysis.outcomes import fate_between, first_loss, max_rank_between

    end = crisis.date + pd.Timedelta(days=window_days)
    executed = first_loss(tables, [person], crisis.date, end, ("executed",)).iloc[0]
    if pd.notna(executed["day"]):
        return "shot", f"{executed['event_id']} ({executed['day'].date()})"
    fate = fate_between(tables, [person], crisis.date, end).iloc[0]
    if fate["fate"] == "lost":
        word = "arrested" if "arrest" in fate["how"] else "demoted" if "demotion" in fate["how"] else "dismissed"
        return word, f"{fate['how']} ({fate['on'].date()})"
    after = max_rank_between(tables, [person], crisis.date + DAY, end, missing=pd.NA).iloc[0]
    if pd.isna(after) or pd.isna(rank_before) or fate["fate"] == "unknown":
        return "not recorded", fate["how"]
    word = "promoted" if after > rank_before else "demoted" if after < rank_before else "kept his post"
    return word, f"rank {rank_before} -> {after}; {fate['how']}"


def client_fates(tables, rosters: dict[str, Crisis], min_rank: int = 4, window_days: int = 365) -> pd.DataFrame:
    """Each top client of each crisis: the rows that put him there, whether he defected, and his fate within the window.

    returns: crisis, person_id, name, tie, post the day before, rank, defected, fate (one of
    FATE_ORDER), how.
    """
    frames = []
    for name, crisis in rosters.items():
        top = top_clients(tables, crisis, min_rank)
        fates = [client_fate(tables, crisis, p, r, window_days) for p, r in zip(top["person_id"], top["rank"], strict=True)]
        frames.append(top.assign(crisis=name, fate=[f for f, _ in fates], how=[h for _, h in fates]))
    columns = ["crisis", "person_id", "name", "tie", "post the day before", "rank", "defected", "fate", "how"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def career_bars(tables, fates: pd.DataFrame, rosters: dict[str, Crisis], years_before: float = 2,
                years_after: float = 3) -> pd.DataFrame:
    """The posts of each top client around his crisis, in years from it (for the small-multiples timeline).

    returns: crisis, name, post, rank, from, to (years from the crisis, clipped to the span), end_cause, fate.
    """
    rows = []
    s = tables.spells
    for f in fates.itertuples(index=False):
        day = rosters[f.crisis].date
        lo, hi = day - pd.DateOffset(years=years_before), day + pd.DateOffset(years=years_after)
        mine = s[s["person_id"] == f.person_id]
        start, end = point(mine, "start"), point(mine, "end").fillna(hi)
        for spell, a, b in zip(mine.itertuples(index=False), start, end, strict=True):
            if b < lo or a > hi:
                continue
            rows.append({"crisis": f.crisis, "name": f.name, "post": spell.post, "rank": spell.seniority,
                         "from": (max(a, lo) - day).days / 365.25, "to": (min(b, hi) - day).days / 365.25,
                         "end_cause": spell.end_cause, "fate": f.fate})
    return pd.DataFrame(rows, columns=["crisis", "name", "post", "rank", "from", "to", "end_cause", "fate"])
