"""
The example plugins' own tests, written with the kit, pass as a plugin
author runs them: pytest in the plugin's folder.
"""

import subprocess
import sys
from pathlib import Path

import pytest


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    "example", ["text-tools", "code-reviewer", "review-pipeline"]
)
def test_an_example_passes_its_own_tests(example):
    folder = EXAMPLES / example

    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder / "tests",
        capture_output=True,
        text=True,
        check=False,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert " passed" in run.stdout
