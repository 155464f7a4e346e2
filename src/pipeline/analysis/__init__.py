"""Analysis read from the DuckDB store: paper figures, the three findings, the pretraining-prior sweep."""
