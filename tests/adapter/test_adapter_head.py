"""The head in numpy computes what the torch trainer trained, and stays normalised."""

from __future__ import annotations

import numpy as np
import pytest
from embedlab._errors import ConfigurationError, FinetuneError
from embedlab.adapter.head import Head, l2_normalize


@pytest.mark.parametrize("kind", ["linear", "mlp"])
def test_numpy_head_matches_the_torch_module(kind: str) -> None:
    import torch
    from embedlab.adapter.training import _module, _to_head

    torch.manual_seed(0)
    module = _module(kind, 12, 7)
    with torch.no_grad():  # move off the identity start so the test means something
        for p in module.parameters():
            p.add_(0.3 * torch.randn_like(p))
    x = np.random.default_rng(1).normal(size=(5, 12)).astype(np.float32)
    expected = module(torch.from_numpy(l2_normalize(x))).detach().numpy()
    got = _to_head(kind, module).apply(x)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert not np.allclose(got, l2_normalize(x), atol=1e-3)


def test_identity_head_returns_normalised_input() -> None:
    x = np.array([[3.0, 4.0], [0.0, 2.0]], dtype=np.float32)
    head = Head("linear", {"weight": np.eye(2, dtype=np.float32),
                           "bias": np.zeros(2, np.float32)})
    np.testing.assert_allclose(head.apply(x), [[0.6, 0.8], [0.0, 1.0]], rtol=1e-6)
    assert head.apply(x).dtype == np.float32


def test_wrong_input_dimension_is_explained() -> None:
    head = Head("linear", {"weight": np.eye(3, dtype=np.float32),
                           "bias": np.zeros(3, np.float32)})
    with pytest.raises(ConfigurationError, match="3-dimensional"):
        head.apply(np.ones((2, 4), np.float32))


def test_unknown_kind_and_missing_tensor_are_refused() -> None:
    with pytest.raises(FinetuneError, match="unknown adapter head"):
        Head("conv", {})
    with pytest.raises(FinetuneError, match=r"down\.weight"):
        Head("mlp", {"up.weight": np.ones((2, 2)), "up.bias": np.ones(2),
                     "down.bias": np.ones(2)})


def test_digest_changes_with_any_weight() -> None:
    w = np.eye(3, dtype=np.float32)
    a = Head("linear", {"weight": w, "bias": np.zeros(3, np.float32)})
    w2 = w.copy()
    w2[0, 1] = 1e-6
    b = Head("linear", {"weight": w2, "bias": np.zeros(3, np.float32)})
    assert a.digest() != b.digest()
    assert a.digest() == Head("linear", {"weight": w.copy(),
                                         "bias": np.zeros(3, np.float32)}).digest()
