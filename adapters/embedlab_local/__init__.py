"""embedlab's local provider: sentence-transformers models, embedded and finetuned on this
machine. Registered through the ``embedlab`` entry point like any third-party plugin."""

__all__: list[str] = []
