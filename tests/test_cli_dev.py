"""
``acc-plugins dev``, run as a real process: it loads the plugin, and on
each change prints the reload, errors with their source lines, and the
result of --call.
"""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from acc_plugins.cli import cli
from acc_plugins.host.core._record import excerpt


EXAMPLES = Path(__file__).parent.parent / "examples"


def read_until(process, needle, seconds=20):
    """
    The lines *process* prints up to and including one containing
    *needle*.
    """
    lines = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if needle in line:
            return lines
    pytest.fail(f"never printed {needle!r}; got {lines}")


def test_the_dev_loop_shows_reloads_errors_and_results(tmp_path):
    plugin = tmp_path / "text-tools"
    shutil.copytree(EXAMPLES / "text-tools", plugin)
    command = [
        sys.executable,
        "-c",
        "from acc_plugins.cli import main; main()",
        f"--cache-dir={tmp_path / 'cache'}",
        f"--data-dir={tmp_path / 'data'}",
        "dev",
        str(plugin),
        "--call",
        "text-tools.word_count text='two words'",
        "--max-reloads",
        "2",
    ]
    process = subprocess.Popen(  # noqa: S603 -- our own command line
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        start = read_until(process, "watching for changes")
        assert "loaded text-tools 1.2.0: active" in start
        assert any('-> {"words": 2' in line for line in start)

        markers = plugin / "markers.py"
        good = markers.read_text()
        markers.write_text(good + "x = (\n")
        broken = read_until(process, "keeps serving")
        assert any("reload refused" in line for line in broken)
        assert any(line.lstrip().startswith(">") and "x = (" in line
                   for line in broken)  # fmt: skip

        markers.write_text(good)
        fixed = read_until(process, "text-tools.word_count ->")
        assert any(line.startswith("reloaded text-tools in") for line in fixed)
        assert process.wait(timeout=20) == 0
    finally:
        process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


def test_a_bad_call_option_is_one_clear_error(tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            f"--cache-dir={tmp_path / 'c'}",
            f"--data-dir={tmp_path / 'd'}",
            "dev",
            str(EXAMPLES / "text-tools"),
            "--call",
            "text-tools.word_count text",
        ],
    )
    assert result.exit_code == 1
    assert "not of the form key=value" in result.output


def test_an_excerpt_marks_the_line(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("one\ntwo\nthree\nfour\nfive\nsix\n")

    lines = excerpt(f"{source}:3")

    assert lines == [
        "     1 | one",
        "     2 | two",
        ">    3 | three",
        "     4 | four",
        "     5 | five",
    ]
    assert excerpt(None) == []
    assert excerpt(f"{source}:x") == []
    assert excerpt(f"{tmp_path / 'missing.py'}:1") == []
