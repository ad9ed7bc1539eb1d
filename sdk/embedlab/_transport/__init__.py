"""The transport layer, internal: everything between ``Embedder.embed()`` and the one
``embed_batch`` call a provider implements. ``pipeline`` batches and runs requests,
``cache`` keeps vectors on disk, ``retry`` and ``retry_after`` recover from transient
failures, ``throttle`` paces to rate limits, ``usage`` counts what was sent.

A provider gets all of it by subclassing ``embedlab.Embedder``; ``EmbeddingCache`` is
public from ``embedlab``.
"""
