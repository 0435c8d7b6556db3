"""
The example plugins' own tests, written with the kit, pass as a plugin
author runs them: pytest, each test finding its plugin from its folder.
"""

import subprocess
import sys
from pathlib import Path


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_examples_pass_their_own_tests():
    # One pytest for the three: each test finds its own plugin.toml.
    folders = [
        str(EXAMPLES / name / "tests")
        for name in ("text-tools", "code-reviewer", "review-pipeline")
    ]

    run = subprocess.run(  # noqa: S603 -- our own interpreter
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            *folders,
        ],
        cwd=EXAMPLES,
        capture_output=True,
        text=True,
        check=False,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines()[-1].startswith("13 passed in ")
