"""Request and response checks against the providers' official OpenAPI files, when the
workplace has them (``../shared/specs``); without them the fakes check nothing extra."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

__all__ = ["SPEC_DIR", "SpecSchema", "spec_schema"]

#: Where the providers' OpenAPI descriptions live (override with EMBEDLAB_SPECS_DIR).
SPEC_DIR = Path(os.environ.get("EMBEDLAB_SPECS_DIR")
                or Path(__file__).resolve().parents[3] / "shared" / "specs")


class SpecSchema:
    """The JSON schemas of one operation: its request body and its answers by status."""

    def __init__(self, document: dict[str, Any], path: str, method: str = "post") -> None:
        from jsonschema import Draft202012Validator

        operation = document["paths"][path][method]
        components = document.get("components", {})

        def validator(schema: dict[str, Any]) -> Draft202012Validator:
            # Refs in the spec point at "#/components/...": give each schema that root.
            return Draft202012Validator({**schema, "components": components})

        body = operation["requestBody"]["content"]["application/json"]["schema"]
        self.request = validator(body)
        self.responses: dict[str, Draft202012Validator] = {}
        for status, answer in operation.get("responses", {}).items():
            if "$ref" in answer:
                answer = _resolve(document, answer["$ref"])
            schema = answer.get("content", {}).get("application/json", {}).get("schema")
            if schema is not None:
                self.responses[str(status)] = validator(schema)

    def request_errors(self, body: Any) -> list[str]:
        """Why ``body`` is not a valid request (empty when it is)."""
        return [_describe(e) for e in self.request.iter_errors(body)]

    def response_errors(self, status: int, body: Any) -> list[str]:
        """Why ``body`` is not a valid answer with ``status`` (empty when it is, or unknown)."""
        check = self.responses.get(str(status))
        return [] if check is None else [_describe(e) for e in check.iter_errors(body)]


def _resolve(document: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = document
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return dict(node)


def _describe(error: Any) -> str:
    where = "/".join(str(p) for p in error.absolute_path) or "(body)"
    return f"{where}: {error.message[:200]}"


@functools.cache
def _document(name: str) -> dict[str, Any] | None:
    path = SPEC_DIR / name
    if not path.is_file():
        return None
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=loader)
    return document


@functools.cache
def spec_schema(name: str, path: str, method: str = "post") -> SpecSchema | None:
    """The schemas of ``method path`` in spec file ``name``, or ``None`` without the file."""
    document = _document(name)
    if document is None or path not in document.get("paths", {}):
        return None
    return SpecSchema(document, path, method)
