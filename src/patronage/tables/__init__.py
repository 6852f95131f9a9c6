"""Reading and checking the data package: ``data/*.csv`` and ``data/datapackage.json`` become typed,
validated DataFrames (:func:`patronage.load` returns them as :class:`patronage.tables.load.Tables`),
with every EDTF date as its earliest and latest day, and the selection of the rows one analysis uses."""
