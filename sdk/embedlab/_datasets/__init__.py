"""Datasets, internal: the ``Dataset`` table (``dataset``), reading files into it
(``loaders``, ``records``), the rules it must pass (``validation``), the shipped sample
(``sample``) and the splits a comparison scores on (``splits``).

The public names (``Dataset``, ``load_dataset``, ``load_sample_dataset``, ...) are imported
from ``embedlab``.
"""
