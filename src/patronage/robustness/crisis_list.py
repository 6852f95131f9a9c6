"""The crises a historian lists, in data/crises.yaml: each entry read and checked against the tables (the
patron by any recorded name, the day inside the span the tables record and inside the dates of the event
row that dates it, how it is modelled), every problem named with its entry."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from patronage import config
from patronage.analysis.crisis import TARGET_ROLES, WINDOW_DAYS, Crisis, make_crisis
from patronage.errors import ParameterError
from patronage.tables import checks
from patronage.yaml_files import NotUtf8, read_yaml_file

CRISES_FILE = "crises.yaml"
CRISIS_KEYS = ("name", "patron", "date", "event", "model", "note")
MODELS = ("fall", "attacked network")
LIST_COLUMNS = ["crisis", "patron_id", "date", "event_id", "model", "note"]


class CrisisListError(ValueError):
    """The list of crises is malformed; ``problems`` holds one line per defect (entry, field, value, what to do)."""

    def __init__(self, path, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem{'' if len(problems) == 1 else 's'} in the list of crises {path}:\n"
                         + "\n".join(f"  {p}" for p in problems))


def read_crisis_list(path=None) -> list[dict]:
    """The entries of the crises file as written (a list of mappings under ``crises:``); raises CrisisListError."""
    path = config.DATA_DIR / CRISES_FILE if path is None else path
    try:
        spec = read_yaml_file(path)
    except OSError as exc:
        raise CrisisListError(path, [f"cannot read it: {exc.strerror}" + ("" if Path(path).is_absolute() else
                                     f" (a relative path is read from {Path.cwd()}: here, {Path(path).resolve()})")]) from None
    except NotUtf8 as exc:
        raise CrisisListError(path, [str(exc)]) from None
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
    if not isinstance(entry, dict):
        return None, [f"{where}: expected a mapping with keys {', '.join(CRISIS_KEYS)}, got {entry!r}"]
    problems = [f"{where}: unknown key {k!r}; the keys are {', '.join(CRISIS_KEYS)}" for k in entry if k not in CRISIS_KEYS]
    problems += [f"{where}: missing {k!r}" for k in CRISIS_KEYS[:5] if k not in entry]
    row = {"crisis": entry.get("name"), "note": entry.get("note") or ""}
    if "name" in entry and (not isinstance(entry["name"], str) or not entry["name"].strip()):
        problems.append(f"{where}: name must be a non-empty text, not {entry['name']!r}")
    _check_patron(tables, entry, where, row, problems)
    _check_date(tables, entry, where, row, problems)
    if "model" in entry and entry["model"] not in MODELS:
        problems.append(f"{where}: model {entry['model']!r} is not one of {', '.join(MODELS)}")
    row["model"] = entry.get("model")
    _check_event(tables, entry, where, row, problems)
    return (row if not problems else None), problems


def _check_patron(tables, entry: dict, where: str, row: dict, problems: list[str]) -> None:
    """The entry's patron, by any recorded name, into ``row``; or what is wrong with it into ``problems``."""
    if "patron" in entry:
        try:
            row["patron_id"] = checks.person("patron", str(entry["patron"]), tables)
        except ParameterError as exc:
            problems.append(f"{where}: patron {entry['patron']!r}: {exc.choices}")


def _check_date(tables, entry: dict, where: str, row: dict, problems: list[str]) -> None:
    """The entry's day (YYYY-MM-DD, inside the span the tables record) into ``row``; or what is wrong into ``problems``."""
    if "date" in entry:
        value = entry["date"].isoformat() if hasattr(entry["date"], "isoformat") else entry["date"]
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ParameterError("date", value, "give the day as YYYY-MM-DD")
            row["date"] = checks.date("date", value, tables)
        except ParameterError as exc:
            problems.append(f"{where}: bad date {value!r}: {exc.choices}")


def _check_event(tables, entry: dict, where: str, row: dict, problems: list[str]) -> None:
    """The event row that dates the entry (its dates containing the entry's day) into ``row``; or what is wrong."""
    if "event" not in entry:
        return
    events = tables.events.set_index("event_id")
    if entry["event"] not in events.index:
        problems.append(f"{where}: unknown event {entry['event']!r}: no such event_id in events.csv")
        return
    row["event_id"] = entry["event"]
    e = events.loc[entry["event"]]
    if "date" in row and not e["date_lo"] <= row["date"] <= e["date_hi"]:
        problems.append(f"{where}: date {row['date'].date()} lies outside the event {entry['event']!r}, "
                        f"dated {e['date']}")
    elif row.get("model") == "fall" and "patron_id" in row:  # the event's own date first: one fault of it at a time
        _check_fall(tables, entry["event"], row["patron_id"], where, problems)
    elif row.get("model") == "attacked network" and "patron_id" in row and "date" in row:
        _check_attacked(tables, row["patron_id"], row["date"], where, problems)


def _check_fall(tables, event: str, patron: str, where: str, problems: list[str]) -> None:
    """A fall is dated by an event that acts against the patron (he is in it arrested, dismissed, purged, accused or
    tried: TARGET_ROLES): a day that is no fall (an atomic test Beria presided over) would put his clients in the pool
    as loyal top clients of a crisis that never happened."""
    parts = tables.event_participants
    roles = parts.loc[(parts["event_id"] == event) & (parts["person_id"] == patron), "role"].tolist()
    if not set(roles) & set(TARGET_ROLES):
        held = f"his role in it: {', '.join(roles)}" if roles else "he is not recorded in it"
        problems.append(f"{where}: model 'fall', but the event {event!r} does not act against {patron} ({held}); a fall is "
                        f"dated by an event in which he is {', '.join(TARGET_ROLES[:-1])} or {TARGET_ROLES[-1]}, and a purge "
                        "of his clients while he kept his posts is model 'attacked network'")


def _check_attacked(tables, patron: str, day: pd.Timestamp, where: str, problems: list[str]) -> None:
    """An attacked network's patron was still free (Beria in the Mingrelian affair): no arrest or execution of his is
    dated wholly before the day. A network attacked after its patron fell is his fall's roster, thinned: modelled so,
    it would count as loyal top clients men already gone with him. (A patron with no post recorded is not refused: the
    tables may lack it.)"""
    parts, events = tables.event_participants, tables.events.set_index("event_id")
    for p in parts[(parts["person_id"] == patron) & parts["role"].isin(["arrested", "executed"])].itertuples():
        if p.event_id in events.index and events.at[p.event_id, "date_hi"] < day:
            problems.append(f"{where}: model 'attacked network', but {patron} is recorded {p.role} before {day.date()} "
                            f"(event {p.event_id!r}, dated {events.at[p.event_id, 'date']}): his network was a fallen patron's; "
                            "date his fall as model 'fall'")


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
    problems += _same_fall_twice(rows)
    if problems:
        raise CrisisListError(path or config.DATA_DIR / CRISES_FILE, problems)
    return pd.DataFrame(rows, columns=LIST_COLUMNS)


def _same_fall_twice(rows: list[dict]) -> list[str]:
    """One problem for each crisis of a patron dated within the crisis window (WINDOW_DAYS) of an earlier one of his,
    under another name or another event: the panel would count his clients twice, and set the crisis against itself."""
    seen: list[dict] = []
    out = []
    for row in rows:
        day = pd.Timestamp(row["date"])
        twin = next((r for r in seen if r["patron_id"] == row["patron_id"]
                     and abs((day - pd.Timestamp(r["date"])).days) <= WINDOW_DAYS), None)
        if twin is not None:
            out.append(f"{row['crisis']!r} is a fall of {row['patron_id']} on {day.date()}, within {WINDOW_DAYS} days of "
                       f"{twin['crisis']!r} ({pd.Timestamp(twin['date']).date()}): one fall, listed twice; list it once")
        seen.append(row)
    return out


def named_crises(tables, listed: pd.DataFrame, horizon_years: float = 10) -> dict[str, Crisis]:
    """One Crisis per row of the crises list (from :func:`crisis_list`), keyed by its name, in the list's order."""
    return {c.crisis: make_crisis(tables, c.patron_id, c.date, horizon_years=horizon_years)
            for c in listed.itertuples(index=False)}


def listed_near(tables, person: str, day, within_days: int = 30) -> pd.DataFrame:
    """The entries of the default list (data/crises.yaml) whose patron is ``person`` and whose day lies within
    ``within_days`` of ``day``: what a sentence about one run says of the panel's own list. Only an entry's patron and
    day are read against these tables (a selection without the event row that dates it still names the crisis); an
    entry they do not fit, or a list that cannot be read, names none.

    returns: crisis, patron_id, date, model; in the file's order.
    """
    try:
        entries = read_crisis_list()
    except CrisisListError:
        entries = []
    rows = []
    for entry in filter(lambda e: isinstance(e, dict), entries):
        row, problems = {"crisis": entry.get("name"), "model": entry.get("model")}, []
        _check_patron(tables, entry, "", row, problems)
        _check_date(tables, entry, "", row, problems)
        if not problems and row.get("patron_id") == person and abs(row["date"] - pd.Timestamp(day)) <= pd.Timedelta(days=within_days):
            rows.append(row)
    return pd.DataFrame(rows, columns=["crisis", "patron_id", "date", "model"])


def dating_left_out(tables, view, listed: pd.DataFrame) -> str:
    """A sentence naming the crises of ``listed`` whose dating event the selection ``view`` leaves out ('' if none): the
    crisis is still run on the list's day, which this selection's own rows may date otherwise (under the article's
    reading the Mingrelian affair is dated '1952', not 9 November 1951). ``tables``: the full tables the list was
    checked against."""
    events, kept = tables.events.set_index("event_id"), set(view.events["event_id"])
    out = []
    for row in listed[~listed["event_id"].isin(kept)].itertuples(index=False):
        e = events.loc[row.event_id]
        why = f"evidence {e['evidence']!r}" + (f", reading {e['reading']!r} of conflict {e['conflict_id']!r}"
                                               if pd.notna(e["conflict_id"]) and pd.notna(e["reading"]) else "")
        sides = (view.events[view.events["conflict_id"] == e["conflict_id"]] if pd.notna(e["conflict_id"]) else view.events.iloc[:0])
        other = "; ".join(f"{r.event_id!r}, dated {r.date}" for r in sides.itertuples())
        out.append(f"{row.crisis} (event {row.event_id!r}, dated {e['date']}: {why}"
                   + (f"; this selection's side: {other}" if other else "") + ")")
    return ("" if not out else
            f"This selection leaves out the event that dates {len(out)} of the listed crises: {'; '.join(out)}. "
            "Each is still run on the list's day; a list of your own (crises_file) can date it by the selection's rows.")
