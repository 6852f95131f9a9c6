"""The article's own reading of each step of its test, in its words, beside the computed verdict.

Blauvelt (2008) reads his case step by step; for each hypothesis of :mod:`patronage.analysis.hypotheses`
this module holds the verdict the article reaches on it, a short exact quotation (at most 25
words) that carries it, and the section it stands in (the text has no page numbers). Where the
computation differs, the reason given is the result's own (``Result.reason``): what the rows
showed, not a phrase chosen from the verdict's label.
"""

from __future__ import annotations

import pandas as pd

from patronage.analysis.verdicts import DECIDED, number
from patronage.tables.dates import to_date

ARTICLE_CASE = ("beria", "1953-06-26")
BETRAYAL = "Betrayal and network stability"
MOTIVATIONS = "Motivations and consequences"

# hypothesis -> (the article's verdict on the claim, its words, their section), or (verdict, ((words, section), ...)) where
# the verdict rests on two statements (reinsurance: the turncoats had been exposed to the rivals, and were not of their
# networks at the same time as of Beria's)
ARTICLE_READING = {
    "H1 genuine clients": ("holds", "this is demonstrably false", BETRAYAL),
    "H2 loyalty": ("fails", "the case of Kruglov and Serov represented an exception to the more usual tendency in network "
                            "stability", BETRAYAL),
    "H3 no reward": ("fails", "both Kruglov and Serov profited from their betrayal", MOTIVATIONS),
    "H3b scarcity: whose posts": ("fails", "does not seem to have acted as a block in the case of Kruglov and Serov", BETRAYAL),
    "H4 no switch for gain": ("fails", "both clients and patrons were willing to take the risks of betrayal (and of rewarding "
                                       "betrayal) for tactical advantage", BETRAYAL),
    "H4b motive (coding)": ("fails", "for tactical advantage as the new power balances began to emerge", BETRAYAL),
    "H5 no public reward": ("fails", "Khrushchev does not seem to have been overly concerned with the precedent of rewarding "
                                    "betrayal", BETRAYAL),
    "H6a later defectors refused": ("holds", "Khrushchev was not interested in appearing to give assistance to any more of the "
                                             "people closely associated with Beria", MOTIVATIONS),
    "H6b defectors' fate": ("holds", "Khrushchev indeed attempted to ensure that such behavior would remain an exception",
                            BETRAYAL),
    "H7 network below the top": ("holds", "the lower levels of Beria's network, especially in the security service, were left "
                                          "in place", BETRAYAL),
    "H8 reinsurance": ("mixed", (("Both men, however, had exposure during their careers to rival patrons.", "Inside men: Kruglov and Serov"),
                                 ("They were clearly not simultaneously part of Malenkov or Khrushchev's networks as well as Beria's.",
                                  BETRAYAL))),
}

def is_article_case(patron: str, date) -> bool:
    """True for the crisis the article studies (Beria, 26 June 1953)."""
    return patron == ARTICLE_CASE[0] and to_date(date) == to_date(ARTICLE_CASE[1])


def compare_with_article(verdicts: pd.DataFrame, patron: str, date) -> pd.DataFrame:
    """Each computed verdict beside the article's reading of the same step (for the article's own crisis).

    verdicts: the verdict table (:func:`patronage.analysis.verdicts.verdict_table`), with its ``reason`` column.
    returns: step, hypothesis, computed, article, agree ('yes', 'no', or '–' where the computed row is
    a coding or a description or decides nothing ('no case', 'no data', 'untestable'), or the crisis is not
    the article's), why they differ (the result's
    own reason), and the article's words with their section.
    """
    same = is_article_case(patron, date)
    rows = []
    for r in verdicts.itertuples(index=False):
        said, *quoted = ARTICLE_READING.get(r.hypothesis, ("–", "", "")) if same else ("not discussed", "", "")
        judged = said not in ("–", "not discussed") and r.verdict in DECIDED  # not a coding, a description, no case
        agree = ("yes" if r.verdict == said else "no") if judged else "–"
        rows.append({"step": r.step, "hypothesis": r.hypothesis, "computed": r.verdict, "article": said, "agree": agree,
                     "why they differ": r.reason if agree == "no" else "",
                     "the article's words": _words(quoted)})
    return pd.DataFrame(rows, columns=["step", "hypothesis", "computed", "article", "agree", "why they differ",
                                       "the article's words"])


def _words(quoted: list) -> str:
    """The article's words on a step with their sections: one quotation ``[words, section]`` or several ``[((words, section), ...)]``."""
    pairs = quoted[0] if len(quoted) == 1 else [tuple(quoted)]
    return "; ".join(f'"{words}" ({where})' for words, where in pairs if words)


def findings(verdicts: pd.DataFrame, comparison: pd.DataFrame) -> list[str]:
    """What the test found, in sentences built from the computed tables (nothing typed in).

    verdicts: the verdict table; comparison: :func:`compare_with_article` of it.
    """
    decided = verdicts[verdicts["verdict"].isin(["holds", "fails", "mixed"])]
    judged = comparison[comparison["agree"].isin(["yes", "no"])]
    agree = judged[judged["agree"] == "yes"]
    out = [f"Of {number(len(verdicts), 'step')}, " + (f"{len(decided)} {'was' if len(decided) == 1 else 'were'} decided by "
           f"{'its' if len(decided) == 1 else 'their'} rule: " + ", ".join(f"{h} {v}" for h, v in zip(decided["hypothesis"], decided["verdict"], strict=True))
           if len(decided) else "none was decided by its rule") + "."]
    fixed = verdicts[verdicts["could_differ"] != "yes"]
    if len(fixed):
        out.append(f"{len(fixed)} could not have come out otherwise with these tables and "
                   f"{'decides' if len(fixed) == 1 else 'decide'} nothing: "
                   + "; ".join(f"{h} ({v}: {c[4:]})" for h, v, c in zip(fixed["hypothesis"], fixed["verdict"],
                                                                    fixed["could_differ"], strict=True)) + ".")
    # a step that could not have come out otherwise is said once, in the sentence before
    open_ = verdicts[verdicts["verdict"].isin(["inconclusive", "no data"]) & (verdicts["could_differ"] == "yes")]
    if len(open_):
        out.append("Left open by the records: " + "; ".join(f"{h} ({v}: {r})" for h, v, r in zip(
            open_["hypothesis"], open_["verdict"], open_["reason"], strict=True)) + ".")
    if len(judged):
        out.append(f"The computation agrees with the article on {len(agree)} of the {number(len(judged), 'step')} both can judge"
                   + (": " + ", ".join(agree["hypothesis"]) if len(agree) else "") + ".")
        for r in judged[judged["agree"] == "no"].to_dict("records"):
            out.append(f"{r['hypothesis']}: computed {r['computed']}, the article reads {r['article']}; the data's "
                       f"reason: {r['why they differ']}.")
    return out


BLAUVELT = "Blauvelt 2008"
FAIRBANKS = f"Fairbanks 1983: 365-6, in {BLAUVELT}, \"Patronage and betrayal\""
