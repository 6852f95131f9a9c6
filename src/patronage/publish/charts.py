"""The drawings of the analysis' results, in the house style of :mod:`patronage.publish.figures`: the network
on a day (:mod:`patronage.analysis.network`), the careers as a timeline with the uncertainty of each date
(:mod:`patronage.analysis.prosopography`), the time in office after a crisis (:mod:`patronage.analysis.tenure`),
the specification curve of the verdicts (:mod:`patronage.robustness.specifications`), and the panel of
crises with its clients' careers (:mod:`patronage.robustness.panel`). The analysis computes; these only
draw what it computed."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from patronage.analysis.network import DRAWN_KINDS
from patronage.analysis.prosopography import timeline_segments
from patronage.analysis.verdicts import VERDICTS
from patronage.publish.figures import OKABE_ITO, VERDICT_COLOURS, VERDICT_SYMBOLS
from patronage.robustness.client_fates import FATE_ORDER
from patronage.robustness.specifications import DIMENSIONS, distinct_specifications

TIE_COLOURS = dict(zip(DRAWN_KINDS, OKABE_ITO, strict=False))  # one colour per kind of tie
# a client's fate within a year of the crisis, from the worst (black) to not recorded (grey)
FATE_COLOURS = dict(zip(FATE_ORDER, ["#000000", "#D55E00", "#E69F00", "#CC79A7", "#009E73", "#0072B2", "#999999"], strict=True))


def short_labels(g: nx.DiGraph) -> list[str]:
    """Surnames as node labels, with the initial where two persons share one (B. Kobulov, A. Kobulov)."""
    nodes = sorted(g.nodes)
    surnames = [g.nodes[n]["name"].split()[-1] for n in nodes]
    return [f"{g.nodes[n]['name'][0]}. {s}" if surnames.count(s) > 1 else s for n, s in zip(nodes, surnames, strict=True)]


def draw_network(g: nx.DiGraph, pos: dict, focus: str | None = None) -> go.Figure:
    """The graph of :func:`patronage.analysis.network.graph_as_of` at the positions of
    :func:`patronage.analysis.network.layout`, as a plotly figure: edges coloured by kind, node size by seniority."""
    fig = go.Figure()
    for kind in DRAWN_KINDS:
        xs, ys = [], []
        for a, b, d in g.edges(data=True):
            if d["kind"] == kind:
                xs += [pos[a][0], pos[b][0], None]
                ys += [pos[a][1], pos[b][1], None]
        if xs:
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=kind, hoverinfo="skip",
                                     line={"color": TIE_COLOURS[kind], "width": 2,
                                           "dash": "solid" if kind == "patronage" else "dot"}))
    nodes = sorted(g.nodes)
    fig.add_trace(go.Scatter(
        x=[pos[n][0] for n in nodes], y=[pos[n][1] for n in nodes], mode="markers+text", name="person",
        text=short_labels(g), textposition="top center",
        hovertext=[f"{g.nodes[n]['name']} (rank {g.nodes[n]['seniority']})" for n in nodes], hoverinfo="text",
        marker={"size": [8 + 3 * g.nodes[n]["seniority"] for n in nodes],
                "color": ["#D55E00" if n == focus else "#444444" for n in nodes]}, showlegend=False))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


# one colour per kind of institution
INSTITUTION_COLOURS = dict(zip(["security", "party", "government", "military", "education", "other"], OKABE_ITO,
                               strict=False))


def clients_per_patron(counts: pd.DataFrame) -> go.Figure:
    """How many clients each patron had on each day of :func:`patronage.analysis.network.clients_on_days`, as steps:
    the days as categories (the turning points are days apart or years apart, and a time axis would tick the hours
    of a two-day span), whole numbers of clients, and a note on empty axes when no day was counted."""
    fig = px.line(counts, x="day", y="clients", color="patron", markers=True, line_shape="hv")
    fig.update_xaxes(type="category", title="day")
    fig.update_yaxes(rangemode="tozero", tickformat="d", dtick=1 if counts.empty or counts["clients"].max() <= 10 else None)
    if counts.empty:
        fig.add_annotation(text="no turning point of that year is recorded, so no day around one is counted",
                           x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
    return fig


def career_timeline(tables, persons: list[str] | None = None) -> go.Figure:
    """Gantt chart of the careers, one row per person, coloured by kind of institution, uncertainty faint."""
    segs = timeline_segments(tables)
    order = tables.spells.groupby("person_id")["start_lo"].min().sort_values(kind="stable")
    names = tables.persons.set_index("person_id")["name"]
    wanted = [names[i] for i in order.index if persons is None or i in persons]
    segs = segs[segs["person"].isin(wanted)]
    fig = px.timeline(segs, x_start="start", x_end="end", y="person", color="kind", hover_name="label",
                      hover_data={"lineage": True, "seniority": True, "kind": False, "person": False},
                      color_discrete_map=INSTITUTION_COLOURS,
                      category_orders={"person": wanted, "kind": list(INSTITUTION_COLOURS)})
    for trace in fig.data:  # px keeps the rows of each colour in frame order: fade the uncertain ones
        faint = segs.loc[segs["kind"] == trace.name, "part"].eq("uncertain").to_numpy()
        trace.marker.opacity = np.where(faint, 0.3, 1.0)
        trace.marker.line.width = 0
    fig.update_yaxes(title=None, tickmode="linear", type="category")
    fig.update_xaxes(title=None)
    fig.update_layout(height=160 + 24 * len(wanted), legend_title_text="institution")
    return fig


def specification_curve(grid: pd.DataFrame, sort_by: str = "holds") -> go.Figure:
    """Specification curve over the distinct specifications: hypotheses (rows) by distinct
    specifications (columns), the verdict as colour.

    One column per distinct specification (:func:`distinct_specifications`), however many choices
    lead to it. Columns are sorted by how many hypotheses give ``sort_by`` (most first), then by
    their pattern of verdicts (identical patterns sit together), then in the grid's order. The
    panel below marks every choice of coding, reading, evidence level, horizon and population that
    leads to each column. Colours and symbols: patronage.publish.figures.VERDICT_COLOURS and VERDICT_SYMBOLS
    (the verdicts that decide nothing are open squares).
    """
    cells = grid.drop_duplicates(["distinct", "hypothesis"])
    hyps, order = _curve_order(cells, sort_by)
    pos = {d: i + 1 for i, d in enumerate(order)}
    specs = grid.drop_duplicates("spec")
    levels = [f"{d}: {v}" for d in DIMENSIONS for v in dict.fromkeys(specs[d].astype(str))]
    labels = {d: " / ".join(row[dim] for dim in DIMENSIONS) for d, row in distinct_specifications(grid).iterrows()}
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.04,
                        row_heights=[len(hyps), len(levels)])
    _add_verdicts(fig, cells, pos, labels)
    marks = specs[["distinct", *DIMENSIONS]].melt(id_vars="distinct", var_name="dimension").drop_duplicates()
    fig.add_trace(go.Scatter(x=marks["distinct"].map(pos), y=marks["dimension"] + ": " + marks["value"].astype(str),
                             mode="markers", name="choices", showlegend=False,
                             marker={"symbol": "line-ns-open", "size": 9, "color": OKABE_ITO[7], "line": {"width": 2}},
                             text=marks["distinct"].map(labels), hovertemplate="%{text}<extra></extra>"), row=2, col=1)
    fig.update_yaxes(categoryorder="array", categoryarray=hyps[::-1], row=1, col=1, automargin=True)
    fig.update_yaxes(categoryorder="array", categoryarray=levels[::-1], row=2, col=1, automargin=True)
    fig.update_xaxes(title_text=f"distinct specification, sorted by the number of verdicts '{sort_by}'", row=2, col=1)
    fig.update_xaxes(showgrid=False, zeroline=False, range=[0.3, len(order) + 0.7])
    fig.update_layout(height=240 + 22 * (len(hyps) + len(levels)), legend={"title": {"text": "verdict"}},
                      margin={"l": 10})
    return fig


def _curve_order(cells: pd.DataFrame, sort_by: str) -> tuple[list[str], list]:
    """The hypotheses (sorted) and the distinct specifications in the curve's order: most verdicts ``sort_by``
    first, then by their pattern of verdicts, then in the grid's order."""
    wide = cells.pivot(index="distinct", columns="hypothesis", values="verdict")
    hyps = sorted(wide.columns)
    rank = {v: i for i, v in enumerate(VERDICTS)}
    order = sorted(wide.index, key=lambda d: (-(wide.loc[d] == sort_by).sum(), [rank[v] for v in wide.loc[d, hyps]], d))
    return hyps, order


def _add_verdicts(fig: go.Figure, cells: pd.DataFrame, pos: dict, labels: dict) -> None:
    """One trace per verdict in the upper panel: a marker for each hypothesis and distinct specification."""
    for verdict in VERDICTS:
        these = cells[cells["verdict"] == verdict]
        if these.empty:
            continue
        colour = VERDICT_COLOURS[verdict]
        fig.add_trace(go.Scatter(
            x=these["distinct"].map(pos), y=these["hypothesis"], mode="markers", name=verdict,
            marker={"symbol": VERDICT_SYMBOLS[verdict], "size": 9, "color": colour, "line": {"width": 1, "color": colour}},
            customdata=list(zip(these["distinct"].map(labels), these["value"], strict=True)),
            hovertemplate="%{customdata[0]}<br>%{y}: " + verdict + "<br>%{customdata[1]}<extra></extra>"), row=1, col=1)


NO_ONE_TO_FOLLOW = "no one to follow: no one in these groups held high office after the crisis"


def tenure_curves(curves: pd.DataFrame) -> go.Figure:
    """The Kaplan–Meier curves of :func:`patronage.analysis.tenure.survival_curves` as steps, one colour per group,
    each drawn to its longest follow-up, with a vertical tick where someone's follow-up is censored; with no curve,
    empty axes that say so (NO_ONE_TO_FOLLOW)."""
    fig = go.Figure()
    for i, (group, c) in enumerate(curves.groupby("group", sort=True)):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        fig.add_trace(go.Scatter(x=c["years"], y=c["in office"], mode="lines", line_shape="hv", name=group,
                                 legendgroup=group, line_color=colour,
                                 hovertemplate="%{x:.2f} years: %{y:.2f} in office<extra>" + group + "</extra>"))
        _add_censor_ticks(fig, c[c["censored"]], group, colour)
    fig.update_layout(xaxis={"title": "years", "rangemode": "tozero"}, yaxis={"title": "in office", "range": [0, 1.05]},
                      legend_title_text="group")
    if curves.empty:
        fig.add_annotation(text=NO_ONE_TO_FOLLOW, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
    return fig


def _add_censor_ticks(fig: go.Figure, censored: pd.DataFrame, group: str, colour: str) -> None:
    """Vertical ticks in ``colour`` on ``group``'s curve at its censoring times (rows of ``censored``)."""
    if censored.empty:
        return
    fig.add_trace(go.Scatter(x=censored["years"], y=censored["in office"], mode="markers", name=f"{group}, censored",
                             legendgroup=group, marker={"symbol": "line-ns-open", "size": 14, "color": colour, "line": {"width": 2, "color": colour}},
                             hovertemplate="censored at %{x:.2f} years<extra>" + group + "</extra>"))


def crisis_panel(table: pd.DataFrame, order: list[str]) -> go.Figure:
    """The panel's verdicts (:func:`patronage.robustness.panel.verdict_panel`): one row per crisis in ``order``,
    one column per step, each verdict in its colour and symbol (open squares decide nothing)."""
    fig = px.scatter(table, x="hypothesis", y="crisis", color="verdict", symbol="verdict", color_discrete_map=VERDICT_COLOURS,
                     symbol_map=VERDICT_SYMBOLS, hover_data=["value", "top_clients", "defected"],
                     category_orders={"verdict": list(VERDICTS), "crisis": order[::-1],
                                      "hypothesis": sorted(table["hypothesis"].unique())})
    fig.update_traces(marker={"size": 26, "line": {"width": 2}})
    fig.update_layout(height=260 + 60 * len(order), yaxis={"title": None},
                      xaxis={"title": None, "tickangle": -30}, legend_title_text="verdict")
    return fig


def client_careers(bars: pd.DataFrame, order: list[str]) -> go.Figure:
    """Small multiples, one per crisis in ``order`` that has clients: each top client's posts as bars in years from
    the crisis (:func:`patronage.robustness.panel.career_bars`), coloured by his fate within a year."""
    shown = [c for c in order if c in set(bars["crisis"])]
    # each panel as tall as its number of clients, and every client's name shown (plotly would skip some)
    clients = [bars.loc[bars["crisis"] == c, "name"].nunique() for c in shown] or [1]
    fig = make_subplots(rows=max(len(shown), 1), cols=1, shared_xaxes=True, subplot_titles=shown, vertical_spacing=0.35 / len(clients),
                        row_heights=[n + 1 for n in clients])
    in_legend: set[str] = set()
    for row, crisis in enumerate(shown, start=1):
        b = bars[bars["crisis"] == crisis]
        for fate in FATE_ORDER:
            part = b[b["fate"] == fate]
            legend = not part.empty and fate not in in_legend
            in_legend |= {fate} if legend else set()
            fig.add_trace(go.Bar(x=part["to"] - part["from"], base=part["from"], y=part["name"], orientation="h",
                                 marker_color=FATE_COLOURS[fate], name=fate, legendgroup=fate, showlegend=legend,
                                 customdata=part[["post", "rank", "end_cause"]], hovertemplate="%{y}: %{customdata[0]} "
                                 "(rank %{customdata[1]}; ended: %{customdata[2]})<extra>" + fate + "</extra>"), row=row, col=1)
        fig.add_vline(x=0, line_width=1, line_dash="dot", row=row, col=1)
        names = list(dict.fromkeys(b["name"]))
        fig.update_yaxes(tickmode="array", tickvals=names, ticktext=names, row=row, col=1)
    fig.update_layout(barmode="overlay", height=200 + 34 * sum(n + 1 for n in clients) + 40 * len(shown),
                      legend_title_text="fate within a year")
    fig.update_xaxes(title_text="years from the crisis", row=max(len(shown), 1), col=1)
    return fig
