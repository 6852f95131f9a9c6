"""A seeded synthetic prosopography with the compendium's schema, for scale tests and benchmarks.

``make_package(folder, persons=40_000, spells=200_000, seed=1953)`` writes a data package that
``patronage.load`` accepts: the descriptor of data/datapackage.json (with checksums recorded),
and every table filled:

- ``persons`` with births (all) and deaths (most) as events, some executed after an arrest;
- ``organisations`` in lineages, renamed at the same reorganisations as the real offices
  (1934, 1946, 1954), each renaming naming its predecessor;
- ``spells``: careers of consecutive posts inside each person's life, seniorities 0-7 rising
  along a career, dates as EDTF strings at day, month or year precision, a few approximate
  (``1950~``) or uncertain (``1950-06?``);
- ``ties`` of every kind (patronage, subordination, alliance, exposure, rivalry,
  surveillance), some defections with a motive, coded under the three codings the notebooks
  know (``blauvelt``, ``not_true_clients``, ``rayfield``) so their defaults apply;
- ``events`` and ``event_participants``: births, deaths, arrests, executions, appointments;
- for every crisis, a cast built so the hypotheses have something to test: a patron who falls
  on the crisis day (a ``coup`` event), a rival who organises it, the patron's clients (some
  defect, exposed to the rival before, and take the patron's post; the loyal ones are
  arrested, some after appealing to the rival, some executed) and the rival's own clients;
- ``sources``: one seed source (every seed row quotes it) and one reference work (the
  ``external`` rows, without quotation); ``codings``; ``attributes`` (fates, ethnicity);
  ``conflicts``: a few dated appointments with an article and a standard reading.

The same arguments give the same bytes. Nothing here is historical: names are drawn from lists.
The random population is :mod:`patronage.tables.synthetic_people`, the crises and conflicts
:mod:`patronage.tables.synthetic_crises`, the rows and their writing :mod:`patronage.tables.synthetic_world`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from patronage.tables.synthetic_crises import CAST, CAST_SPELLS, CRISIS_DAYS, CrisisSpec, conflicts, crisis
from patronage.tables.synthetic_people import random_people
from patronage.tables.synthetic_world import World


@dataclass(frozen=True)
class Package:
    """What make_package wrote: the folder, the rows per table and the crises built in."""

    folder: Path
    seed: int
    counts: dict[str, int]
    crises: tuple[CrisisSpec, ...] = field(default=())


def make_package(folder: Path | str, persons: int = 40_000, spells: int = 200_000, seed: int = 1953,
                 crises: int | None = None, uncertain: float = 0.005, external: float = 0.05) -> Package:
    """Write a synthetic data package into ``folder`` (created; existing tables are overwritten).

    persons, spells: how many rows of each (exactly); at least 100 persons.
    crises: how many crises with a cast (default: one per 20,000 persons, at least one).
    uncertain: share of month- and year-precision dates given an EDTF qualifier (~ or ?).
    external: share of rows resting on the reference work (evidence 'external') instead of the seed source.

    returns: Package (folder, counts, crises).
    """
    if persons < 100 or spells < persons // 10:
        raise ValueError("give at least 100 persons and a tenth as many spells")
    crises = crises if crises is not None else max(1, persons // 20_000)
    crises = min(crises, len(CRISIS_DAYS), max(1, (persons - 50) // CAST))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    world = World(rng, uncertain, external)
    n_cast = crises * CAST
    random_people(world, persons - n_cast, spells - crises * CAST_SPELLS)
    specs = tuple(crisis(world, c, CRISIS_DAYS[c]) for c in range(crises))
    conflicts(world, max(1, persons // 4000))
    counts = world.write(folder, seed)
    assert counts["persons"] == persons and counts["spells"] == spells, counts
    return Package(folder, seed, counts, specs)
