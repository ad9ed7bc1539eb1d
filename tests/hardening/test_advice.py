"""Item 10 of issue 13: the advice in an error names only options the command really has."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from embedlab.cli import cli


def _options_of(command: str) -> set[str]:
    group = cli if isinstance(cli, click.Group) else None
    assert group is not None
    found = group.get_command(click.Context(group), command)
    assert found is not None
    return {opt for param in found.params for opt in (*param.opts, *param.secondary_opts)}


@pytest.mark.parametrize("command", ["finetune", "compare"])
@pytest.mark.parametrize("name, content", [
    ("data.txt", b"text,label\nhi,a\n"),          # a suffix no loader takes
    ("data.parquet", b"text,label\nhi,a\n"),      # CSV behind a .parquet suffix
])
def test_file_format_advice_names_real_options(runner: CliRunner, fake_provider: str,
                                               tmp_path: Path, command: str, name: str,
                                               content: bytes) -> None:
    data = tmp_path / name
    data.write_bytes(content)
    result = runner.invoke(cli, [command, str(data), "-p", fake_provider,
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code not in (0, 1), result.output  # a clear error, not a traceback
    output = result.output
    assert "rename" in output.lower()
    advised = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", output))
    assert advised <= _options_of(command), f"advice names options that do not exist: {output}"
