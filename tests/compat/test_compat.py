"""
The compatibility suite: ordinary programs, written without the sandbox in
mind, give the same results as plain CPython when run as plugin code.
"""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from acc_plugins.sandbox import Sandbox


PROGRAMS = Path(__file__).parent / "programs"
NAMES = sorted(p.stem for p in PROGRAMS.glob("*.py"))


def run_in_cpython(name: str) -> object:
    module_name = f"compat_cpython_{name}"
    spec = importlib.util.spec_from_file_location(
        module_name, PROGRAMS / f"{name}.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        return module.main()
    finally:
        del sys.modules[module_name]


def test_the_suite_is_substantial():
    """At least fifteen programs keep the comparison meaningful."""
    assert len(NAMES) >= 15


@pytest.mark.parametrize("name", NAMES)
def test_program_matches_cpython(name):
    """Same JSON result inside the sandbox as outside, and no refusals."""
    expected = run_in_cpython(name)
    sandbox = Sandbox(PROGRAMS, f"compat-{name}")
    try:
        actual = sandbox.run(sandbox.import_module(name).main)
    finally:
        sandbox.close()

    assert json.dumps(actual, sort_keys=True) == json.dumps(
        expected, sort_keys=True
    )
    assert sandbox.violations == []
