"""docs/concepts.md's map of the code ("Where the code is") names every module and package
of ``sdk/embedlab`` and nothing that is gone, so a newcomer's first map stays true."""

from __future__ import annotations

import re
from pathlib import Path

import embedlab

PACKAGE = Path(embedlab.__file__).parent
CONCEPTS = Path(__file__).resolve().parents[2] / "docs" / "concepts.md"


def _map() -> str:
    text = CONCEPTS.read_text(encoding="utf-8")
    section = text.split("## Where the code is", 1)[1]
    return section.split("```", 2)[1]


def _entries() -> set[str]:
    """The top level of the package: modules (``x.py``) and packages (``x/``)."""
    names = {p.name for p in PACKAGE.glob("*.py")
             if p.name not in {"__main__.py", "_version.py"}}
    names |= {f"{p.name}/" for p in PACKAGE.iterdir()
              if p.is_dir() and (p / "__init__.py").is_file()}
    return names


def test_the_map_names_every_module_and_package() -> None:
    tree = _map()
    missing = {name for name in _entries() if not re.search(rf"(?<![\w.]){re.escape(name)}", tree)}
    assert not missing, f"docs/concepts.md's code map does not mention {sorted(missing)}"


def test_the_map_names_nothing_that_is_gone() -> None:
    named = set(re.findall(r"(?<![\w./])(_?\w+(?:\.py|/))", _map()))
    gone = named - _entries() - {"sdk/", "embedlab/"}
    assert not gone, f"docs/concepts.md's code map names {sorted(gone)}, not in the package"
