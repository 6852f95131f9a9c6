"""The README's findings section, written from the verdict tables the notebooks produce.

The build calls ``update_readme()`` after the notebooks ran, when the README or what the block is written from changed
(:func:`patronage.build.stamps.update_readme_if_stale`), so the numbers in the README are the computed ones; a test
checks that the README holds what the current tables say.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from patronage import config
from patronage.analysis.verdicts import percent
from patronage.robustness.draw_findings import panel_draw_findings
from patronage.robustness.findings import p_text, variant_findings
from patronage.robustness.tests_at_thresholds import thresholds_sentence
from patronage.robustness.thresholds import threshold_column

BEGIN, END = "<!-- findings:begin -->", "<!-- findings:end -->"
README = config.PROJ_ROOT / "README.md"
VERDICTS = config.FIGURES_DIR / "03-verdicts.csv"
SHARES = config.FIGURES_DIR / "04-verdict-shares.csv"
THRESHOLD_EFFECTS = config.FIGURES_DIR / "04-threshold-effects.csv"
POOLED = config.FIGURES_DIR / "05-pooled-defection.csv"
VARIANTS = config.FIGURES_DIR / "05-pooled-variants.csv"
DRAWN_COUNTS = config.FIGURES_DIR / "05-panel-under-draws.csv"
DRAWN_POOLED = config.FIGURES_DIR / "05-pooled-under-draws.csv"
THRESHOLDS = config.FIGURES_DIR / "05-tests-at-thresholds.csv"
COLUMNS = ("hypothesis", "population", "rule", "value", "verdict", "could_differ")  # of the verdict table, as shown


def markdown_table(frame: pd.DataFrame) -> str:
    """A DataFrame as a GitHub markdown table (no index)."""
    cells = frame.astype(str).map(lambda s: s.replace("|", "\\|"))
    head = "| " + " | ".join(frame.columns) + " |\n| " + " | ".join("---" for _ in frame.columns) + " |\n"
    return head + "\n".join("| " + " | ".join(row) + " |" for row in cells.to_numpy().tolist())


def block() -> str:
    """The findings block: the default verdicts and, where computed, how robust each one is."""
    parts = [BEGIN]
    if VERDICTS.exists():
        v = pd.read_csv(VERDICTS, dtype=str, keep_default_na=False)
        parts += ["Verdicts of the default run of `03-fairbanks-test` (Beria, 26 June 1953; Blauvelt's coding; "
                  "seed evidence; the article's reading of each conflict; his first deputies for step 2). Each step names "
                  "who it counts and its rule before it computes, and says whether these tables could have given another "
                  "verdict; one that could not decides nothing:", "",
                  markdown_table(v[[c for c in COLUMNS if c in v.columns]].rename(columns={"could_differ": "could differ"}))]
    if SHARES.exists():
        parts += ["", "How robust each verdict is, from `04-sensitivity`: the share of the specifications under which each "
                  "verdict comes out. The grid crosses coding × reading of the conflicts × evidence level × horizon × "
                  "population, and each specification counts once (`n`; 04's curve draws one column per distinct specification, "
                  "weighted otherwise): a share is a share "
                  "of the grid's choices, not a probability, and a grid with another coding would give others. `moved by` names the choices that, made alone, ever move a verdict a rule decided (to or from holds, mixed, inconclusive or fails; a change between labels that decide nothing is not counted)"
                  + (". The grid keeps the thresholds (the crisis's window and the rules') at notebook 03's defaults; `moved by a threshold` names those "
                     "that, changed alone at the base specification (the default run above), move a decided verdict, over the "
                     f"values tried ({_tried(THRESHOLD_EFFECTS)}); a value outside them may move more" if THRESHOLD_EFFECTS.exists() else "") + ":", "",
                  markdown_table(_with_thresholds(pd.read_csv(SHARES, dtype=str, keep_default_na=False)))]
    if POOLED.exists():
        row = pd.read_csv(POOLED).iloc[0]
        moved = variant_findings(pd.read_csv(VARIANTS)) if VARIANTS.exists() else ""
        dates = (panel_draw_findings(pd.read_csv(DRAWN_COUNTS), pd.read_csv(DRAWN_POOLED).iloc[0], row["share"])
                 if DRAWN_COUNTS.exists() and DRAWN_POOLED.exists() else "")
        thresholds = thresholds_sentence(pd.read_csv(THRESHOLDS)) if THRESHOLDS.exists() else ""
        parts += ["", " ".join(filter(None, [pooled_sentence(row), thresholds, moved, dates]))]
    parts.append(END)
    return "\n".join(parts)


def _with_thresholds(shares: pd.DataFrame) -> pd.DataFrame:
    """The shares table with the thresholds that move each step (notebook 04's effects table), where 04 wrote it."""
    if not THRESHOLD_EFFECTS.exists():
        return shares
    moving = threshold_column(pd.read_csv(THRESHOLD_EFFECTS, keep_default_na=False))
    return shares.assign(**{"moved by a threshold": shares["hypothesis"].map(moving).fillna("not run")})


def _tried(path: Path) -> str:
    """The values notebook 04 tried of each threshold, as a clause: 'window_days 90, 180, 365 and 730; ...'."""
    effects = pd.read_csv(path, keep_default_na=False)
    tried = effects.drop_duplicates("threshold").set_index("threshold")["tried"]
    return "; ".join(f"{name} {values}" for name, values in tried.items())


def pooled_sentence(row: pd.Series) -> str:
    """The panel's pooled defection rate, its exact interval and the test against the case, in two sentences."""
    return (f"Across the crisis panel of `05-crises` ({int(row['crises'])} crises listed in `data/crises.yaml`; evidence "
            f"{row['evidence']}, the {row['reading']} reading, the coding '{row['coding']}'), {int(row['defected'])} of "
            f"{int(row['top clients'])} top clients (rank >= {int(row['min rank'])} the day before) defected: a pooled share of "
            f"{row['share']:.3f}, exact {percent(row['confidence'])} interval [{row['ci low']:.3f}, {row['ci high']:.3f}]. "
            f"Outside {row['case']}, {int(row['others defected'])} of {int(row['others top clients'])} defected; set against "
            f"its own {int(row['case defected'])} of {int(row['case top clients'])} top clients (of its first deputies, "
            f"{int(row['case first deputies defected'])} of {int(row['case first deputies'])} defected), Fisher's exact test "
            f"(one-sided) gives p = {row['fisher p (one-sided, less)']:.3f}, and "
            + (f"a binomial test against a rate of {row['binomial p0']:.3f} gives p = {p_text(row['binomial p (one-sided, less)'])}, "
               f"if the case's share were a fixed rate, which {int(row['case top clients'])} men cannot fix (Fisher's test allows "
               "for that), and if the other crises' chances to defect were independent, which the men who are top clients at "
               "several of them make doubtful." if pd.notna(row["binomial p (one-sided, less)"]) else
               "there is no binomial test: every top client of the case defected, and a fixed rate of 1 says nothing.")
            + " The crises and the clients are those "
            f"the sources record, not a random sample; {row['no data share']:.0%} of the panel's cells are 'no data' and "
            f"{row.get('no case share', float('nan')):.0%} 'no case' (clients recorded, none of the kind a step counts): "
            "a rate for these crises, not for the system.")


def update_readme(readme: Path = README) -> bool:
    """Rewrite the findings block of the README; returns True if it changed."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    new = text[:start] + block() + text[end:]
    if new != text:
        tmp = readme.with_name(f".{readme.name}.tmp")
        tmp.write_text(new, encoding="utf-8")
        tmp.replace(readme)
    return new != text
