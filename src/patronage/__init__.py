"""patronage: curated tables of the Beria patronage network and the analysis that tests
Fairbanks' (1983) claim that Stalin-era patronage networks were unusually stable.

    >>> import patronage
    >>> t = patronage.load()              # validated, typed tables (raises DataError on bad data)
    >>> v = t.select(evidence="seed", reading="article", coding="blauvelt")

Submodules hold one concept each: ``load`` (reading and typing), ``validate`` (cross-table
rules), ``dates`` (EDTF bounds), ``names`` (name variants), ``readings`` (evidence levels,
codings and readings of conflicts), ``network``, ``crisis`` and ``hypotheses`` (the test).
"""

from patronage.errors import DataError, ParameterError, Problem
from patronage.tables.load import Tables, load

__all__ = ["DataError", "ParameterError", "Problem", "Tables", "load"]
__version__ = "0.1.0"
