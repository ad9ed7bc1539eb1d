"""Fake Cohere and OpenAI servers for the hosted adapters' tests and benchmarks."""

from ._server import FakeServer, Fault, RateLimit, Reply, Request, deterministic_vectors
from .fake_cohere import FakeCohere
from .fake_openai import FakeOpenAI

__all__ = ["FakeCohere", "FakeOpenAI", "FakeServer", "Fault", "RateLimit", "Reply", "Request",
           "deterministic_vectors"]
