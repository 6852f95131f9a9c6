"""What a reader sees: figures in the house style (HTML and SVG), the drawings of the analysis'
results, the offline HTML edition, the flat export of every assertion, the README's findings and
citation blocks."""
