"""
The download progress bar: drawn on a terminal, silent with --quiet or
when output goes to a file, with or without a known total.
"""

import io

import pytest
from rich.console import Console

from acc_plugins.cli._progress import download_progress, downloads


def _console(*, terminal: bool = True) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=terminal, width=100), out


def test_a_terminal_sees_the_download_and_its_size():
    """The bar names the download and ends at its size."""
    console, out = _console()

    with download_progress("demo 1.2.0", console=console) as progress:
        for done in range(0, 200_001, 50_000):
            progress(done, 200_000)

    shown = out.getvalue()
    assert "demo 1.2.0" in shown
    assert "200.0 kB" in shown


def test_a_download_of_unknown_size_still_counts_bytes():
    """Without a total the bar shows bytes so far."""
    console, out = _console()

    with download_progress("index", console=console) as progress:
        progress(3_000, None)

    assert "3.0/? kB" in out.getvalue()


@pytest.mark.parametrize("quiet", [True, False])
def test_quiet_or_not_a_terminal_draws_nothing(quiet):
    """--quiet silences a terminal; a file is never drawn on."""
    console, out = _console(terminal=quiet)

    with download_progress("demo", quiet=quiet, console=console) as progress:
        progress(10, 10)

    assert out.getvalue() == ""


def test_several_downloads_each_get_a_bar_of_their_size():
    """Install's bars: one per archive, each named and sized."""
    console, out = _console()

    with downloads(console=console) as start:
        first = start("text-tools 1.2.0", 100_000)
        second = start("code-reviewer 0.3.0", 300_000)
        first(100_000, None)
        second(300_000, 300_000)

    shown = out.getvalue()
    assert "text-tools 1.2.0" in shown
    assert "code-reviewer 0.3.0" in shown
    assert "100.0/100.0 kB" in shown
    assert "300.0/300.0 kB" in shown
