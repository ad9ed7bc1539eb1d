"""embedlab's pytest plugin (entry point ``pytest11``): fixtures for testing with embedlab."""

from __future__ import annotations
