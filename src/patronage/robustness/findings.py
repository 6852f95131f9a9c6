"""What the robustness checks found, in sentences built from the computed tables (nothing typed in): the
closing section of notebook 04 (the specifications, the date draws, the inferred ties) and of notebook 05
(the panel of crises, pooled, and the two tests against the case)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from patronage.analysis.crisis import WINDOW_DAYS
from patronage.analysis.verdicts import DECIDED, VERDICTS, number, percent
from patronage.robustness.choices import moved_and_relabelled, relabels_text
from patronage.robustness.specifications import DIMENSIONS, dimension_effects, verdict_shares
from patronage.robustness.thresholds import moved_by_thresholds
from patronage.robustness.verdict_panel import no_data_share, top_clients
from patronage.robustness.wording import listing as _listing
from patronage.robustness.wording import p_text as p_text  # named here as the findings' own, as before
from patronage.robustness.wording import rounded_shares
from patronage.robustness.wording import share_of_draws as share_of_draws


def _spread(shares: pd.DataFrame) -> dict[str, str]:
    """Per hypothesis, its verdicts with their shares, largest first ('holds 0.60, inconclusive 0.40')."""
    out = {}
    for h, row in shares[list(VERDICTS)].iterrows():
        seen = rounded_shares(row)[row > 0].sort_values(ascending=False, kind="stable")  # as printed
        out[h] = ", ".join(f"{v} {s:.2f}" for v, s in seen.items())
    return out


def specification_findings(grid: pd.DataFrame) -> list[str]:
    """Which steps keep one verdict across the specifications, which decide nothing in any (every verdict
    'no data', 'no case', a coding or a description: a verdict that could not have moved is no sign of robustness),
    which vary, and which choice moves them."""
    shares = verdict_shares(grid)
    n = int(shares["n"].max()) if len(shares) else 0
    spread = _spread(shares)
    seen = {h: {v for v in VERDICTS if row[v] > 0} for h, row in shares.iterrows()}
    alone = lambda s: s.rsplit(" ", 1)[0] if "," not in s else s  # noqa: E731  a single verdict, its share (1.00) left out
    idle = [f"{h} ({alone(s)})" for h, s in spread.items() if not seen[h] & set(DECIDED)]
    steady = [f"{h} ({alone(s)})" for h, s in spread.items() if "," not in s and seen[h] & set(DECIDED)]
    varying = [f"{h} ({s})" for h, s in spread.items() if "," in s and seen[h] & set(DECIDED)]
    parts = [f"{len(steady)} of {number(len(spread), 'step')} {'keeps' if len(steady) == 1 else 'keep'} one verdict in every "
             f"one: {_listing(steady)}" if steady else "no step keeps one verdict its rule decided in every one"]
    if idle:
        parts.append(f"{len(idle)} {'decides' if len(idle) == 1 else 'decide'} nothing in any (no rule reached a verdict "
                     f"that could have come out otherwise): {_listing(idle)}")
    if varying:
        parts.append(f"{len(varying)} {'varies' if len(varying) == 1 else 'vary'}: {_listing(varying)}")
    out = [f"Across {number(n, 'specification')}, " + "; ".join(parts) + "."]
    if not steady and not varying:
        out.append("No step decides anything under any specification: the tables hold nothing these steps can count "
                   "for this patron on this day, so the grid cannot show the verdicts to be robust or fragile.")
    effects = dimension_effects(grid)
    varied = set(effects.loc[effects["values"] > 1, "dimension"])
    out.append("Changing one choice alone: " + "; ".join(_moves(effects, dim) if dim in varied else f"{dim} is not varied (one value)"
                                                        for dim in DIMENSIONS) + ".")
    return out


def _moves(effects: pd.DataFrame, dim: str) -> str:
    """What changing ``dim`` alone does (:mod:`patronage.robustness.choices`), in the closing's words."""
    decided, relabelled = moved_and_relabelled(effects, dim)
    return (f"{dim} moves {_listing(decided)}" if decided else f"{dim} moves no decided verdict") + relabels_text(relabelled, _listing)


def draw_findings(under_draws: pd.DataFrame, base: pd.Series) -> list[str]:
    """How often each step's base verdict (``base``: hypothesis -> verdict) survives the date draws."""
    if under_draws.empty:
        return ["No date draws were run (verdict_draws = 0)."]
    draws = under_draws["draw"].nunique()
    kept = under_draws.assign(same=under_draws["verdict"] == under_draws["hypothesis"].map(base)).groupby("hypothesis")["same"].mean()
    deciding = set(under_draws.loc[under_draws["verdict"].isin(DECIDED), "hypothesis"]) | set(base[base.isin(DECIDED)].index)
    always = sorted(h for h in kept[kept == 1].index if h in deciding)
    idle = sorted(h for h in kept.index if h not in deciding)  # its labels may change ('untestable', 'no case'): no verdict does
    sometimes = [f"{h} ({_drawn_instead(under_draws.loc[under_draws['hypothesis'] == h, 'verdict'], base[h])})"
                 for h in kept[kept < 1].index if h in deciding]
    if not deciding:
        labels = set(under_draws["verdict"]) | set(base)
        return [f"Under {number(draws, 'draw')} of the uncertain dates, no step decides anything in any draw, nor under the "
                f"base specification (every verdict {_listing([v for v in VERDICTS if v in labels], 'or')}): the draws "
                "cannot show the verdicts to be robust or fragile."]
    margin = f" (each share known to within about ±{1.96 * (0.25 / draws) ** 0.5:.2f}, 95%)"  # as 04 prints it beside the shares
    out = f"Under {number(draws, 'draw')} of the uncertain dates{margin}, " + (
        f"{len(always)} of {number(len(kept), 'step')} {'gives' if len(always) == 1 else 'give'} the base verdict in every draw"
        if always else "no step gives a verdict its rule decided in every draw")
    if idle:
        out += f"; {len(idle)} {'decides' if len(idle) == 1 else 'decide'} nothing in any draw ({_listing(idle)})"
    return [out + f"; {_listing(sometimes) if sometimes else 'no step that decides gives another verdict in any draw'}."]


def _drawn_instead(verdicts: pd.Series, base: str) -> str:
    """One step's verdicts over the draws beside its base verdict: how often the base comes out (or that it
    never does: a date that straddles a line decides nothing at its point estimate, and something in every
    draw), then each other verdict, the most frequent first."""
    shares = rounded_shares(verdicts.value_counts(normalize=True))  # as printed
    others = sorted(((v, s) for v, s in shares.items() if v != base), key=lambda x: (-x[1], x[0]))
    head = f"{base} in {shares[base]:.2f} of the draws" if base in shares else f"{base} at the point estimates, in no draw"
    return head + "".join(f"; {v} in {s:.2f}" for v, s in others)


def inferred_findings(rerun: pd.DataFrame) -> list[str]:
    """Which steps change their verdict when each rule's inferred ties replace the asserted ones: a change to or
    from a verdict a rule decided is a change; one between two labels that decide nothing ('no data' to 'no
    case') is named apart, as a relabelling; a rule that gives the patron no client decides nothing."""
    wide = rerun.pivot(index="hypothesis", columns="ties", values="verdict")
    clients = rerun.groupby("ties", sort=False)["clients"].first()
    rules = [r for r in dict.fromkeys(rerun["ties"]) if r != "asserted"]
    parts = []
    for rule in rules:
        label = "union of the rules (any rule)" if rule in ("any", "any rule") else rule if rule.endswith("rule") else f"{rule} rule"
        moved = [h for h in wide.index if wide.at[h, rule] != wide.at[h, "asserted"]]
        changed = [f"{h} ({wide.at[h, 'asserted']} → {wide.at[h, rule]})" for h in moved
                   if {wide.at[h, rule], wide.at[h, "asserted"]} & set(DECIDED)]
        relabelled = [f"{h} ({wide.at[h, 'asserted']} → {wide.at[h, rule]})" for h in moved
                      if not {wide.at[h, rule], wide.at[h, "asserted"]} & set(DECIDED)]
        if not clients.get(rule, 0):  # every step it moves loses its verdict, a decided one included: all named
            parts.append(f"the {label} gives the patron no client the day before, so its re-run decides nothing"
                         + (f": {_listing(changed + relabelled)}" if moved else ""))
            continue
        said = f"the {label} changes {_listing(changed) if changed else 'no verdict a rule decided'}"
        parts.append(said + (f" (it only relabels {_listing(relabelled)})" if relabelled and not changed
                             else f", and relabels {_listing(relabelled)}" if relabelled else ""))
    if not parts:
        return []
    out = "On ties inferred from careers instead of the asserted ones: " + "; ".join(parts) + "."
    if not clients.get("asserted", 0):
        out = ("On the asserted ties the patron has no client the day before, so no step decides anything there and "
               "nothing inferred can be set against it. " + out)
    return [out]


def sensitivity_findings(grid: pd.DataFrame, under_draws: pd.DataFrame, rerun: pd.DataFrame,
                         thresholds: pd.DataFrame | None = None) -> list[str]:
    """Notebook 04's closing: the specifications, the date draws, the inferred ties and (given their effects,
    :func:`patronage.robustness.thresholds.threshold_effects`) the thresholds of the rules, each in a sentence or two."""
    base = rerun[rerun["ties"] == "asserted"].set_index("hypothesis")["verdict"]
    return (specification_findings(grid) + draw_findings(under_draws, base) + inferred_findings(rerun)
            + (threshold_findings(thresholds) if thresholds is not None else []))


def threshold_findings(effects: pd.DataFrame) -> list[str]:
    """Notebook 04's sentence on the thresholds of the rules (:func:`patronage.robustness.thresholds.threshold_effects`):
    the steps that keep a decided verdict at every value, those that decide nothing at any, and which threshold moves
    which of the rest; [] where no threshold was varied."""
    if effects.empty or int(effects["values"].max()) < 2:
        return []
    moving = moved_by_thresholds(effects)
    deciding = effects.groupby("hypothesis", sort=False)["deciding"].any()
    steady = [h for h, by in moving.items() if not by and deciding[h]]
    idle = [h for h in moving.index if not deciding[h]]
    tried = effects.drop_duplicates("threshold").set_index("threshold")["tried"]
    moves = [f"{h} ({_listing(by.split(', '))})" for h, by in moving.items() if by]
    return [f"Changing one threshold at a time (the crisis's window or a rule's) at the base specification ({'; '.join(f'{n}: {v}' for n, v in tried.items())}): "
            f"{len(steady)} of {len(moving)} steps {'keeps' if len(steady) == 1 else 'keep'} a decided verdict at every value tried"
            + (f" ({_listing(steady)})" if steady else "") + f"; {len(idle)} decide nothing at any value"
            + (f" ({_listing(idle)})" if idle else "") + (f"; in {len(moves)} a decided verdict moves with a threshold: {'; '.join(moves)}." if moves else ".")]


def _recur(tops: dict[str, pd.DataFrame]) -> bool:
    """Whether a man is a top client (``tops``: crisis -> :func:`top_clients`) at more than one crisis."""
    people = [p for top in tops.values() for p in top["person_id"]]
    return len(people) > len(set(people))


def recurring_clients(tops: dict[str, pd.DataFrame], names: pd.Series) -> str:
    """The men who are top clients (``tops``: crisis -> :func:`top_clients`) at more than one crisis, with the
    crises (each crisis is a chance to defect)."""
    seen: dict[str, list[str]] = {}
    for crisis, top in tops.items():
        for person in top["person_id"]:
            seen.setdefault(person, []).append(crisis)
    again = sorted(((p, cs) for p, cs in seen.items() if len(cs) > 1), key=lambda pc: (-len(pc[1]), names.get(pc[0], pc[0])))
    if not seen:
        return "No man is a top client at any crisis: there is no chance to defect to count."
    if not again:
        return "No man is a top client at more than one crisis, so each chance to defect is a different man's."
    listed = [f"{names.get(p, p)} ({len(cs)}: {', '.join(cs)})" for p, cs in again]
    return (f"{'1 man is a top client' if len(again) == 1 else f'{len(again)} men are top clients'} at more than one crisis: "
            f"{_listing(listed)}; the pooled count is of chances "
            "to defect, not of men, and these chances are not independent.")


def pooled_lines(pooled: pd.Series, test: pd.Series) -> list[str]:
    """The pooled share (:func:`patronage.robustness.pooled.pooled_top_clients`) and the two tests against the case
    (:func:`patronage.robustness.pooled.rarer_than_case`), a line each; where there is nothing to compute, the line says why."""
    n, k, crises = (int(pooled[c]) for c in ("top clients", "defected", "crises"))
    with_top = int(pooled.get("crises with top clients", crises))
    over = number(crises, "crisis") + (f" ({with_top} with a top client recorded)" if with_top != crises else "")
    if n:
        lines = [f"pooled over {over}: {k} of {n} top clients defected = "
                 f"{pooled['share']:.3f}, exact {percent(pooled['confidence'])} interval [{pooled['ci low']:.3f}, {pooled['ci high']:.3f}]"]
    else:
        lines = [f"pooled over {over}: no top client is recorded, so there is no share to estimate"]
    lines.append(f"{_case_count(test)}; " + (f"the other crises pooled: {test['others defected']} of "
                                              f"{test['others top clients']} top clients" if test.get("other crises", 1) else "no other crisis in the list"))
    if pd.isna(test["fisher p (one-sided, less)"]):
        return [*lines, f"no test against the case: {_untested(test)}"]
    return [*lines,
            f"Fisher's exact test, one-sided (the others defected less): odds ratio {_ratio(test['fisher odds ratio'])}, "
            f"p = {test['fisher p (one-sided, less)']:.3f}",
            f"binomial test of the others against the case's share {test['binomial p0']:.3f}, one-sided: "
            f"p = {p_text(test['binomial p (one-sided, less)'])}" if pd.notna(test["binomial p (one-sided, less)"]) else
            f"no binomial test: {NO_BINOMIAL}"]


# why there is no binomial test where Fisher's is made (:func:`patronage.robustness.pooled.rarer_than_case`)
NO_BINOMIAL = "every top client of the case defected, and a fixed rate of 1 gives p = 0 to any count below all"


def _ratio(odds: float) -> str:
    """An odds ratio in a sentence: three decimals, or 'infinite' where every top client of the other crises defected."""
    return "infinite" if np.isinf(odds) else f"{odds:.3f}"


def _case_count(test: pd.Series) -> str:
    """The case's own count (:func:`patronage.robustness.pooled.rarer_than_case`): its top clients who defected, and
    its first deputies beside them."""
    n, k = int(test["case top clients"]), int(test["case defected"])
    deputies, turned = int(test["case first deputies"]), int(test["case first deputies defected"])
    beside = f"of its first deputies, {turned} of {deputies} defected" if deputies else "no first deputy recorded"
    return (f"{test['case']}: {k} of its {number(n, 'top client')} defected ({beside})"
            if n else f"{test['case']}: no top client recorded ({beside})")


def _untested(test: pd.Series) -> str:
    """Why the case cannot be tested against the other crises (:func:`patronage.robustness.pooled.rarer_than_case`)."""
    return ("the list holds no other crisis" if not test.get("other crises", 1)  # a summary from before they were counted: some
            else "the case has no top client recorded" if not test["case top clients"]
            else "none of the case's top clients defected, and no rate elsewhere can be lower than none"
            if not test["case defected"] else "the other crises have no top client recorded")


def variant_findings(variants: pd.DataFrame) -> str:
    """How far the pooled share moves (``variants``: :func:`patronage.robustness.pooled.pooled_variants`) without
    each crisis in turn, at the other rank thresholds, with another window for a defection to belong to a fall, and
    counting each man once."""
    v = variants.set_index("variant")
    out = []
    left = v[v.index.str.startswith("without ")].dropna(subset=["share"])
    if len(left):
        low, high = left["share"].min(), left["share"].max()
        named = {v: _listing([i for i in left.index if left.at[i, "share"] == v]) for v in (low, high)}  # every tie named
        out.append(f"leaving out one crisis at a time, the pooled share runs from {low:.3f} ({named[low]}) "
                   f"to {high:.3f} ({named[high]})")
    labels = {"each man once": "counting each man once",
              "careers confirm": "without the defectors the control finds no client of the patron by their careers (a rival "
                                 "presided over as many of their promotions, or they did not serve under him the day before)"}
    for variant in (i for i in v.index if i.startswith(("rank >= ", "crisis window ")) or i in labels):
        r = v.loc[variant]
        share = f"{r['share']:.3f}" if pd.notna(r["share"]) else "no share"
        label = (f"at {variant}" if variant.startswith("rank") else labels.get(variant)
                 or f"with a crisis window of {variant.removeprefix('crisis window ')} instead of {WINDOW_DAYS}")
        out.append(f"{label}, {int(r['defected'])} of {int(r['top clients'])} ({share})" if int(r["top clients"])
                   else f"{label}, no top client")
    return ("How much the estimate rests on: " + "; ".join(out) + ".") if out else ""


def _pooled_sentence(pooled: pd.Series, sizes: dict[str, int], min_rank: int) -> str:
    """The pooled share in a sentence, with how many crises have no top client and how the others' counts run."""
    empty = sum(n == 0 for n in sizes.values())
    where = (f"{empty} of the {len(sizes)} crises {'has' if empty == 1 else 'have'} no top client recorded" if empty
             else "the one crisis has a top client recorded" if len(sizes) == 1
             else f"each of the {len(sizes)} crises has a top client recorded")
    if not pooled["top clients"]:
        where = "at the one crisis" if len(sizes) == 1 else f"at any of the {len(sizes)} crises"
        return f"No top client (rank >= {min_rank} the day before) is recorded {where}: no pooled share."
    return (f"Pooled over {number(int(pooled['crises']), 'crisis')}, {pooled['defected']} of {pooled['top clients']} top clients "
            f"(rank >= {min_rank} the day before) defected: {pooled['share']:.3f}, exact {percent(pooled['confidence'])} interval "
            f"[{pooled['ci low']:.3f}, {pooled['ci high']:.3f}]. {where[0].upper() + where[1:]}; "
            f"{'the others' if empty else 'by'} {'by ' if empty else ''}their number of top clients: {_by_size(sizes)}.")


def _by_size(sizes: dict[str, int]) -> str:
    """The crises with top clients grouped by how many, most first, in the panel's order within a group:
    '7 at A; 5 each at B and C; 1 at D' (every crisis named, so that no tie is broken by the order of the list)."""
    groups: dict[int, list[str]] = {}
    for crisis, n in sizes.items():
        if n:
            groups.setdefault(n, []).append(crisis)
    return "; ".join(f"{n} {'each ' if len(names) > 1 else ''}at {_listing(names)}" for n, names in sorted(groups.items(), reverse=True))


def panel_findings(tables, rosters: dict, pooled: pd.Series, test: pd.Series, table: pd.DataFrame, names: pd.Series,
                   min_rank: int, alpha: float = 0.05, variants: pd.DataFrame | None = None) -> list[str]:
    """Notebook 05's closing: the pooled rate and where it comes from (and, given ``variants``, how far it moves),
    the two tests read at level ``alpha``, the men who recur, and how much of the panel is empty."""
    tops = {crisis: top_clients(tables, c, min_rank) for crisis, c in rosters.items()}
    out = [_pooled_sentence(pooled, {crisis: len(top) for crisis, top in tops.items()}, min_rank)]
    moved = variant_findings(variants) if variants is not None else ""
    if moved:
        out.append(moved)
    if pd.notna(test["fisher p (one-sided, less)"]):
        binomial, fisher = test["binomial p (one-sided, less)"], test["fisher p (one-sided, less)"]
        out.append(f"{_case_count(test)}; the other crises, {test['others defected']} of {test['others top clients']} top "
                   + (f"clients. Taking the case's share {test['binomial p0']:.3f} as a fixed rate and each of the others' "
                      "chances as independent" + (" (which the men who recur, below, make doubtful)" if _recur(tops) else "")
                      + ", their count would be "
                      + (f"improbably low (binomial p = {p_text(binomial)} < {alpha})" if binomial < alpha
                         else f"no lower than chance allows at the {alpha} level (binomial p = {p_text(binomial)} >= {alpha})")
                      if pd.notna(binomial) else f"clients. No binomial test: {NO_BINOMIAL}")
                   + "; treating the case as a sample too, Fisher's exact test "
                   + (f"tells the two rates apart (p = {fisher:.3f} < {alpha})." if fisher < alpha
                      else f"cannot tell the two rates apart (p = {fisher:.3f} >= {alpha})."))
    else:
        out.append(f"{test['case']}: no test of the other crises against the case: {_untested(test)}.")
    out.append(recurring_clients(tops, names))
    share = {v: no_data_share(table, v) for v in ("no data", "no case")}
    out.append(f"'No data' fills {share['no data']:.0%} of the panel's cells (crisis x step), and 'no case' (the clients "
               f"are recorded, but none is of the kind the step counts: no defector, no later turn) {share['no case']:.0%}"
               + (": the pooled share is a rate for these crises as the sources record them, not for the system."
                  if pooled["top clients"] else "."))
    return out
