"""Tests of embedlab.corpus: streaming a corpus into a Parquet dataset, locally and on Ray."""
