"""patronage: curated tables of the Beria patronage network and the analysis that tests
Fairbanks' (1983) claim that Stalin-era patronage networks were unusually stable.

    >>> import patronage
    >>> t = patronage.load()              # validated, typed tables (raises DataError on bad data)
    >>> v = t.select(evidence="seed", reading="article", coding="blauvelt")

Subpackages follow the data flow: ``tables`` (reading, checking and selecting the rows),
``analysis`` (careers, the network, the crisis and the test), ``robustness`` (the test under other
specifications, dates and crises), ``publish`` (figures, the HTML edition, the export) and
``build`` (running the notebooks). The README's "How the code is laid out" maps the modules.
"""

from patronage.errors import DataError, ParameterError, Problem
from patronage.tables.load import Tables, load

__all__ = ["DataError", "ParameterError", "Problem", "Tables", "load"]
__version__ = "0.1.0"
