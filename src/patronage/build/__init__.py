"""Running the notebooks: ``python -m patronage.build`` executes every out-of-date notebook and scenario
incrementally, atomically and reproducibly; a reader's own run; the checks a notebook makes of its
parameters; the colophon that ends each notebook."""
