"""Every route the server answers, in one place: the health check, and the OpenAI-compatible
``/v1`` routes (behind the API key, which the front door checks before any route runs). To
add a route, add a function to ``health`` or ``v1``."""

from __future__ import annotations

import base64
import logging
from typing import TYPE_CHECKING, Any

import orjson
from fastapi import APIRouter, Request, Response

from .._errors import ConfigurationError, EmbedlabError, InvalidTextError
from .._input_types import check_input_type
from .._text import check_text
from .errors import APIError, api_error_from
from .schemas import MAX_INPUTS, ClassifyRequest, EmbeddingRequest
from .state import ServeState, get_state

if TYPE_CHECKING:
    import numpy as np

__all__ = ["health", "v1"]

logger = logging.getLogger("embedlab.serve")

#: Open routes (load balancers, orchestrators).
health = APIRouter()
#: OpenAI's API surface.
v1 = APIRouter(prefix="/v1")


def json_response(payload: Any, status: int = 200) -> Response:
    """JSON via orjson: numpy rows serialise directly, float32 in its shortest form."""
    return Response(orjson.dumps(payload, option=orjson.OPT_SERIALIZE_NUMPY),
                    status_code=status, media_type="application/json")


@health.get("/health")
async def get_health(request: Request) -> Response:
    """Liveness and the vectors' length; not the model, whose name may be a path on this
    machine (``GET /v1/models`` gives it, behind the key)."""
    return json_response({"status": "ok", "dimension": get_state(request).embedder.dimension})


def _model_card(state: ServeState) -> dict[str, Any]:
    return {"id": state.model_id, "object": "model", "created": state.created,
            "owned_by": "embedlab"}


@v1.get("/models")
async def list_models(request: Request) -> Response:
    """The one model this server serves, as OpenAI lists models."""
    return json_response({"object": "list", "data": [_model_card(get_state(request))]})


@v1.get("/models/{model:path}")
async def retrieve_model(model: str, request: Request) -> Response:
    """The served model by any of its names, else 404."""
    state = get_state(request)
    check_model(state, model)
    return json_response(_model_card(state))


def check_model(state: ServeState, model: str) -> None:
    """404 unless ``model`` names the served model."""
    if model not in state.aliases:
        raise APIError(404, f"The model '{model}' does not exist; this server serves "
                            f"'{state.model_id}'.", param="model", code="model_not_found")


def read_input(value: Any) -> list[str]:
    """The texts of ``input``: a string or a list of 1 to 2,048 non-empty strings."""
    texts = [value] if isinstance(value, str) else value
    if not isinstance(texts, list):
        raise APIError(400, "'input' must be a string or an array of strings.", param="input")
    if not texts:
        raise APIError(400, "'input' must not be an empty array.", param="input")
    if len(texts) > MAX_INPUTS:
        raise APIError(400, f"'input' holds {len(texts)} items; the limit is {MAX_INPUTS} a "
                            "request. Split it into several requests.", param="input")
    for i, text in enumerate(texts):
        where = "'input'" if isinstance(value, str) else f"'input[{i}]'"
        if isinstance(text, str):
            if not text:
                raise APIError(400, f"{where} is an empty string; every input must hold text.",
                               param="input")
            _check_unicode(text, where)
            continue
        if isinstance(text, (int, list)):
            raise APIError(400, "This server embeds text, not token ids: send 'input' as "
                                "strings. (LangChain's OpenAIEmbeddings: pass "
                                "check_embedding_ctx_length=False.)", param="input")
        raise APIError(400, f"'input[{i}]' is a {type(text).__name__}; every input must be "
                            "a string.", param="input")
    return texts


def _check_unicode(text: str, where: str) -> None:
    """400 for a text holding a lone surrogate (JSON's ``"\\ud800"``): no tokenizer takes it.
    The check is embedlab's one check of text entering it (:mod:`embedlab._text`)."""
    try:
        check_text(text, where, fix="send the text as valid UTF-8")
    except InvalidTextError as exc:
        raise APIError(400, str(exc), param="input") from None


def _check_options(state: ServeState, body: EmbeddingRequest) -> str | None:
    """The input type to embed with; 400 for dimensions or input types the model lacks."""
    dimension = state.embedder.dimension
    if body.dimensions is not None and body.dimensions != dimension:
        raise APIError(400, f"'{state.model_id}' returns {dimension}-dimensional embeddings and "
                            f"cannot shorten them; leave 'dimensions' out or pass {dimension}.",
                       param="dimensions")
    kind = body.input_type if body.input_type is not None else state.input_type
    if kind is None:
        return None
    try:
        return check_input_type(state.embedder, kind)
    except ConfigurationError:
        valid = ", ".join(sorted(state.embedder.input_types)) or "none"
        raise APIError(400, f"'{state.model_id}' does not take input_type '{kind}'; valid: "
                            f"{valid}.", param="input_type") from None


async def _embed(state: ServeState, texts: list[str],
                 input_type: str | None) -> tuple[np.ndarray, int]:
    """The texts' vectors and token count from the batcher; an embedlab error becomes its API
    error, anything else (a bug in the model or a plugin) is logged and answered with a 500,
    and the server lives on."""
    try:
        vectors, tokens = await state.batcher.embed(texts, input_type)
    except EmbedlabError as exc:
        raise api_error_from(exc) from None
    except Exception:
        logger.exception("embedding failed with an unexpected error")
        raise APIError(500, "The server had an error while processing your request.",
                       type="server_error") from None
    return vectors, tokens


@v1.post("/embeddings")
async def create_embeddings(body: EmbeddingRequest, request: Request) -> Response:
    """OpenAI's ``POST /v1/embeddings`` for the served model."""
    state = get_state(request)
    check_model(state, body.model)
    texts = read_input(body.input)
    input_type = _check_options(state, body)
    vectors, tokens = await _embed(state, texts, input_type)
    if body.encoding_format == "base64":
        rows: list[Any] = [base64.b64encode(row.astype("<f4").tobytes()).decode("ascii")
                           for row in vectors]
    else:
        rows = list(vectors)
    return json_response({
        "object": "list",
        "data": [{"object": "embedding", "index": i, "embedding": row}
                 for i, row in enumerate(rows)],
        "model": state.model_id,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    })


@v1.post("/classify")
async def create_classification(body: ClassifyRequest, request: Request) -> Response:
    """Label texts with the served custom model's classification head (embedlab's route)."""
    state = get_state(request)
    check_model(state, body.model)
    head = state.classifier
    if head is None:
        raise APIError(400, f"'{state.model_id}' has no classification head: serve a custom "
                            "model saved by `embedlab finetune` or `embedlab compare`.",
                       param="model", code="classifier_not_found")
    texts = read_input(body.input)
    vectors, _tokens = await _embed(state, texts, head.input_type)
    answers = head.predict(vectors, texts, top_k=body.top_k, threshold=body.threshold)
    return json_response({
        "object": "list",
        "data": [{"object": "classification", "index": i, **p.to_record(),
                  "uncertain": p.uncertain} for i, p in enumerate(answers)],
        "model": state.model_id,
    })
