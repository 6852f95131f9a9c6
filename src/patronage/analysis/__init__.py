"""The analysis, from the selected tables: careers, the crisis and its roster, what became of people,
the populations each step counts, and Fairbanks' claims tested step by step. Nothing here draws."""
