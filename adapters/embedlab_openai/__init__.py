"""embedlab's openai provider, through the official `openai` SDK."""

__all__: list[str] = []
