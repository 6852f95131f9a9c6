"""Tables as a reader sees them in the notebooks: a missing value shown as '–', not as pandas' '<NA>' or 'NaN',
and an empty table as a sentence rather than a header with no rows."""

from __future__ import annotations

import pandas as pd

MISSING = "–"


def shown(frame: pd.DataFrame, empty: str | None = None, names: pd.Series | None = None) -> pd.DataFrame | None:
    """``frame`` with every missing value as MISSING (the values themselves unchanged), for display.

    empty: the sentence to print instead when the frame has no rows (None: show the empty frame).
    names: person_id -> name; given, the columns of person ids show names (:func:`named`).
    returns: the frame to display, or None when the sentence was printed.
    """
    if frame.empty and empty is not None:
        print(empty)
        return None
    frame = named(frame, names) if names is not None else frame
    return frame.astype(object).where(frame.notna(), MISSING)


def named(frame: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """``frame`` with each column of person ids (a name ending in '_id', every value a person of ``names``) holding
    the persons' names instead, under the column's name without '_id' ('predecessor_id' -> 'predecessor', or
    'predecessor (name)' where the frame has a 'predecessor' already)."""
    columns = {}
    for column in frame.columns:
        values = frame[column].dropna()
        if str(column).endswith("_id") and len(values) and values.isin(names.index).all():
            label = str(column)[:-3].replace("_", " ")
            columns[label if label not in frame.columns else f"{label} (name)"] = frame[column].map(names)
        else:
            columns[column] = frame[column]
    return pd.DataFrame(columns, index=frame.index)


def roster_table(roster: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """A crisis' roster (:attr:`patronage.analysis.crisis.Crisis.roster`) as a reader reads it: the clients by
    name, and a defection the tie records shown with whether it counts at this crisis. A tie's defection dated
    outside the crisis' window belongs to another crisis (the patron's earlier fall, or a purge of his network),
    and the roster counts it as no defection here: the table says so rather than print the date bare.

    names: person_id -> name. returns: one row per client, in the roster's order.
    """
    counted = roster["defected"].astype(bool)
    dated = [pd.NA if pd.isna(d) else d if here else f"{d} (not at this crisis)"
             for d, here in zip(roster["defection_date"], counted, strict=True)]
    return pd.DataFrame({
        "client": roster["client_id"].map(names).fillna(roster["client_id"]).to_numpy(),
        "rank the day before": pd.array(roster["rank_before"], dtype="Int64"),
        "defected at this crisis": counted.to_numpy(),
        "defection the tie records": dated,
        "motive (coding)": roster["motive"].to_numpy(),
        "tied to a rival before": roster["exposed"].to_numpy(),
        "a rival's client too": roster["rival_client"].to_numpy(),
        "tie": roster["tie_id"].to_numpy(),
    })
