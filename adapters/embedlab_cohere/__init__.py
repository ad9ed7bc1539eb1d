"""embedlab's cohere provider, through the official `cohere` SDK."""

__all__: list[str] = []
