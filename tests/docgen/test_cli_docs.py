"""
``acc-plugins docs``: a page printed or written, a page per plugin for a
folder of plugins, and one error line (nothing written) for bad input.
"""

import json
import shutil

from click.testing import CliRunner

from acc_plugins.cli import cli

from ._plugins import EXAMPLES, write_plugin


def _docs(*args):
    return CliRunner().invoke(cli, ["docs", *map(str, args)])


def test_one_plugin_is_printed_as_markdown():
    """The default: Markdown on stdout."""
    result = _docs(EXAMPLES / "review-pipeline")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# review-pipeline 2.0.1\n")
    assert "1. tool `text-tools.extract_todos`" in result.stdout


def test_json_without_output_is_the_documentation(tmp_path):
    """--json prints the model, as --format json does."""
    result = _docs(EXAMPLES / "text-tools", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(
        _docs(EXAMPLES / "text-tools", "--format", "json").stdout
    )
    assert json.loads(result.stdout)["tools"][0]["name"] == "word_count"


def test_an_html_page_is_written_to_a_file(tmp_path):
    """--output FILE gets the page, readable by all; --json says what was written."""
    target = tmp_path / "out" / "page.html"

    result = _docs(
        EXAMPLES / "code-reviewer", "--format", "html", "-o", target, "--json"
    )

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "format": "html",
        "written": [
            {"name": "code-reviewer", "version": "0.3.0", "path": str(target)}
        ],
    }
    assert target.read_text().startswith("<!doctype html>")
    assert target.stat().st_mode & 0o777 == 0o644


def test_an_archive_is_documented_as_its_folder_is(tmp_path):
    """A .accp from a stranger: extracted with every check, never run."""
    from acc_plugins.market import build_archive

    archive = tmp_path / "text-tools-1.2.0.accp"
    archive.write_bytes(build_archive(EXAMPLES / "text-tools"))

    result = _docs(archive, "--format", "json")

    assert result.exit_code == 0, result.output
    assert result.stdout == _docs(EXAMPLES / "text-tools", "--json").stdout


def test_a_file_that_is_not_an_archive_is_one_error_line(tmp_path):
    """Not a zip: the archive check's own words, and nothing written."""
    bad = tmp_path / "bad.accp"
    bad.write_bytes(b"junk")
    out = tmp_path / "out.md"

    result = _docs(bad, "-o", out)

    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {bad}: not a zip archive, or truncated (no end record)\n"
    )
    assert not out.exists()


def test_a_folder_of_plugins_gets_a_page_each(tmp_path):
    """NAME.FORMAT per plugin in the --output folder."""
    out = tmp_path / "site"

    result = _docs(EXAMPLES, "--output", out)

    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "code-reviewer.md",
        "review-pipeline.md",
        "sneaky.md",
        "text-tools.md",
    ]
    assert f"{out / 'text-tools.md'}: text-tools 1.2.0" in result.stdout


def test_a_folder_of_plugins_needs_an_output_folder():
    """Several pages cannot all go to stdout."""
    result = _docs(EXAMPLES)

    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {EXAMPLES} holds 4 plugins; give --output FOLDER for a page "
        "each\n"
    )


def test_a_folder_without_plugins_is_one_error_line(tmp_path):
    """No plugin.toml here or in a subfolder: say so and what to do."""
    (tmp_path / "empty").mkdir()
    out = tmp_path / "out.md"

    result = _docs(tmp_path / "empty", "-o", out)

    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        f"error: {tmp_path / 'empty'}: not a plugin folder"
    )
    assert not out.exists()


def test_a_bad_manifest_writes_nothing(tmp_path):
    """One plugin of two is invalid: one error line, no page at all."""
    plugins = tmp_path / "plugins"
    shutil.copytree(EXAMPLES / "text-tools", plugins / "text-tools")
    bad = write_plugin(plugins, "", name="zzz")
    (bad / "plugin.toml").write_text('[plugin]\nname = "zzz"\n')
    out = tmp_path / "out"

    result = _docs(plugins, "-o", out)

    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: {bad / 'plugin.toml'}: ")
    assert "plugin.version" in result.stderr
    assert not out.exists()


def test_what_is_not_documented_is_a_warning(tmp_path):
    """A tool the host would refuse is named on stderr; the page still comes."""
    folder = write_plugin(
        tmp_path,
        "from acc_plugins.sdk import Plugin, tool\n"
        "class Demo(Plugin):\n"
        "    @tool\n"
        "    def f(self, x: bytes) -> str:\n"
        "        return ''\n",
    )

    result = _docs(folder)

    assert result.exit_code == 0
    assert "warning: demo: not documented: tool f, parameter x:" in (
        result.stderr
    )
    assert "### f" in result.stdout
