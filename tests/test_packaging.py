"""
The wheel ships every package of the library: ``pyproject.toml`` lists
packages by name, so a new sub-package that is not listed would work in
an editable install and break every real one.
"""

import tomllib
from pathlib import Path

import acc_plugins


ROOT = Path(acc_plugins.__file__).parent


def test_every_package_is_listed_in_pyproject():
    pyproject = tomllib.loads(
        (ROOT.parent / "pyproject.toml").read_text(encoding="utf-8")
    )
    listed = set(pyproject["tool"]["setuptools"]["packages"])
    present = {
        ".".join(init.parent.relative_to(ROOT.parent).parts)
        for init in ROOT.rglob("__init__.py")
        if "__pycache__" not in init.parts
    }

    assert present - listed == set()
    assert listed - present == {
        "acc_plugins.examples",  # from examples/
        "acc_plugins.templates",  # from templates/
    }
