"""The documentation's Python: the quickstart's snippets run as written, in order, in a fresh
folder; every other page's snippets at least compile. So the docs cannot drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks(page: Path) -> list[str]:
    """The ```python blocks of a Markdown page, in order (snippet includes left out)."""
    blocks = _BLOCK.findall(page.read_text(encoding="utf-8"))
    return [b for b in blocks if "--8<--" not in b]


def test_the_quickstart_has_snippets() -> None:
    blocks = python_blocks(DOCS / "quickstart.md")
    assert len(blocks) >= 3
    assert any("el.compare(" in b for b in blocks)


@pytest.mark.slow
def test_quickstart_snippets_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every block of quickstart.md in one namespace, as a reader pasting them would."""
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__quickstart__"}
    for number, block in enumerate(python_blocks(DOCS / "quickstart.md"), start=1):
        code = compile(block, f"docs/quickstart.md (python block {number})", "exec")
        exec(code, namespace)
    assert (tmp_path / "runs" / "quickstart" / "report.json").is_file()
    assert (tmp_path / "runs" / "quickstart" / "model").is_dir()


@pytest.mark.parametrize("page", sorted(p.relative_to(DOCS).as_posix()
                                        for p in DOCS.rglob("*.md")))
def test_every_python_snippet_compiles(page: str) -> None:
    for number, block in enumerate(python_blocks(DOCS / page), start=1):
        compile(block, f"docs/{page} (python block {number})", "exec")


def test_the_two_commands_are_the_readmes() -> None:
    """The quickstart's first shell block is the README's, word for word."""
    shell = re.compile(r"^```bash\n(.*?)^```", re.DOTALL | re.MULTILINE)
    readme = Path(__file__).resolve().parents[2] / "README.md"
    ours = shell.findall((DOCS / "quickstart.md").read_text(encoding="utf-8"))[0]
    theirs = shell.findall(readme.read_text(encoding="utf-8"))[0]
    assert ours == theirs
    assert "make demo" in ours and "make test" in ours


def embedlab_commands() -> list[tuple[str, str]]:
    """``(page, command line)`` for every ``embedlab ...`` line in the docs' bash blocks."""
    shell = re.compile(r"^```(?:bash|sh|console)\n(.*?)^```", re.DOTALL | re.MULTILINE)
    found = []
    for page in sorted(DOCS.rglob("*.md")):
        for block in shell.findall(page.read_text(encoding="utf-8")):
            for line in block.replace("\\\n", " ").splitlines():
                line = line.split(" #")[0].strip().removeprefix("$ ")
                if line.startswith("embedlab "):
                    found.append((page.relative_to(DOCS).as_posix(), line))
    return found


def _names_a_missing_file(exc: Exception) -> bool:
    """Whether ``exc`` is click refusing a path parameter because the file is not here."""
    import click

    param = getattr(exc, "param", None)
    return (param is not None and isinstance(param.type, (click.Path, click.File))
            and "does not exist" in str(exc.format_message()))


@pytest.mark.parametrize("page, line", embedlab_commands())
def test_every_cli_line_in_the_docs_names_real_commands_and_options(page: str,
                                                                      line: str) -> None:
    """Each documented command names a real subcommand and only options it has, with values
    its options take (a bad choice or number fails). A file that does not exist here or a
    required option left out is not the docs' fault. Nothing runs: only the contexts are
    built."""
    check_cli_line(page, line)


@pytest.mark.parametrize("line", [
    "embedlab compare data.csv --projection umap2",
    "embedlab compare data.csv --test-size lots",
    "embedlab compare data.csv --no-such-option",
    "embedlab no-such-command",
    "embedlab compare data.csv extra.csv",
])
def test_the_cli_line_check_fails_on_bad_values(line: str) -> None:
    with pytest.raises(pytest.fail.Exception, match=r"doc\.md: "):
        check_cli_line("doc.md", line)


def test_the_cli_line_check_lets_a_missing_file_or_option_be() -> None:
    check_cli_line("doc.md", "embedlab compare /no/such/data.csv --projection pca")
    check_cli_line("doc.md", "embedlab embed --model models/mine -o v.npy \"refund my ticket\"")


def check_cli_line(page: str, line: str) -> None:
    """Fail the test if ``line`` (from ``page``) names an unknown command or option, or gives
    an option a value it does not take."""
    import shlex

    import click
    from embedlab.cli import cli

    args = shlex.split(line)[1:]
    command: click.Command = cli
    parent: click.Context | None = None
    name = "embedlab"
    while True:
        try:
            context = command.make_context(name, list(args), parent=parent)
        except click.MissingParameter:
            return  # a required option left out of a short example: not checked
        except click.BadParameter as exc:
            if _names_a_missing_file(exc):
                return  # a file that exists on the reader's machine, not here
            pytest.fail(f"{page}: {line!r}: {exc.format_message()}")
        except click.UsageError as exc:  # unknown option or command, extra argument...
            pytest.fail(f"{page}: {line!r}: {exc.format_message()}")
        if not isinstance(command, click.Group):
            return
        rest = [*context._protected_args, *context.args]
        if not rest:
            return
        try:
            found, sub, args = command.resolve_command(context, rest)
        except click.UsageError as exc:
            pytest.fail(f"{page}: {line!r}: {exc.format_message()}")
        assert sub is not None, f"{page}: {line!r}: no command {found!r}"
        command, parent, name = sub, context, found or ""


def test_the_plugin_guides_inline_plugin_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The smallest complete plugin in docs/plugins.md registers and embeds as shown."""
    import sys
    import types

    module = types.ModuleType("docs_plugin_example")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    blocks = python_blocks(DOCS / "plugins.md")
    assert len(blocks) >= 2 and "class TrigramEmbedder" in blocks[0]
    for number, block in enumerate(blocks[:2], start=1):
        exec(compile(block, f"docs/plugins.md (python block {number})", "exec"),
             module.__dict__)
    vectors = module.__dict__["vectors"]
    assert vectors.shape == (2, 256) and float(vectors[0] @ vectors[1]) > 0.8
