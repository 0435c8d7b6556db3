"""
The import gate: the plugin's own modules, the SDK, and the allowlist as
read-only proxies; everything else is refused with file and line.
"""

import pytest

from acc_plugins.errors import SandboxViolation
from acc_plugins.sandbox import ALLOWED_MODULES, ModuleProxy


@pytest.mark.parametrize(
    "module",
    [
        "os",
        "sys",
        "subprocess",
        "builtins",
        "importlib",
        "ctypes",
        "io",
        "pathlib",
        "socket",
        "pickle",
        "gc",
        "inspect",
        "types",
        "os.path",
        "json.decoder",
        "collections.abc.sys",
    ],
)
def test_modules_outside_the_allowlist_are_refused(sandboxed, module):
    """Each refusal names the module, the file and the line."""
    with pytest.raises(SandboxViolation) as info:
        sandboxed(f"x = 1\nimport {module}\n")

    assert info.value.what == f"import of {module!r}"
    assert str(info.value.filename).endswith("m.py")
    assert info.value.lineno == 2


def test_from_import_of_a_refused_module(sandboxed):
    """'from os import path' is refused like 'import os'."""
    with pytest.raises(SandboxViolation, match="import of 'os'"):
        sandboxed("from os import path\n")


def test_proxies_hold_only_allowlisted_members(sandboxed):
    """A proxy never hands out a module, only the listed members."""
    sandbox = sandboxed("import json, re, typing, collections\n")
    module = sandbox.import_module("m")

    for name in ("json", "re", "typing", "collections"):
        proxy = module.__dict__[name]
        assert type(proxy) is ModuleProxy
        public = {k for k in vars(proxy) if k != "__name__"}
        allowed = set(ALLOWED_MODULES[name]) | {
            sub.rpartition(".")[2]
            for sub in ALLOWED_MODULES
            if sub.startswith(name + ".")
        }
        assert public == allowed
        assert not any(
            type(v).__name__ == "module" for v in vars(proxy).values()
        )


@pytest.mark.parametrize(
    "source",
    [
        "from json import codecs\n",
        "from typing import sys\n",
        "from re import enum\n",
        "from operator import attrgetter\n",
        "from operator import methodcaller\n",
        "from string import Formatter\n",
        "from typing import get_type_hints\n",
        "from functools import singledispatch\n",
        "from decimal import getcontext\n",
    ],
)
def test_dangerous_members_are_absent(sandboxed, source):
    """Module links and attribute traversal by name are not exposed."""
    with pytest.raises(ImportError, match="cannot import name"):
        sandboxed(source)


def test_allowlist_offers_no_module_objects():
    """No allowlisted member is itself a module."""
    import importlib
    import types

    for module_name, members in ALLOWED_MODULES.items():
        module = importlib.import_module(module_name)
        for member in members:
            assert not isinstance(getattr(module, member), types.ModuleType), (
                f"{module_name}.{member}"
            )


def test_own_modules_and_relative_imports(sandboxed):
    """Sibling modules import absolutely or relatively."""
    sandbox = sandboxed(
        """
        import helpers
        from . import helpers as again
        from helpers import double, _private
        result = (helpers.double(2), again is helpers, double(3), _private())
        """,
        helpers="def double(x):\n    return 2 * x\ndef _private():\n    return 'p'\n",
    )

    assert sandbox.import_module("m").result == (4, True, 6, "p")


def test_random_is_per_plugin(sandboxed, tmp_path):
    """Seeding a plugin's random never moves the host's generator."""
    import random

    random.seed(99)
    expected = random.random()
    random.seed(99)
    sandbox = sandboxed("import random\nrandom.seed(1)\nx = random.random()\n")

    assert random.random() == expected
    assert sandbox.import_module("m").x == random.Random(1).random()


def test_namedtuple_classes_belong_to_the_plugin(sandboxed):
    """_asdict() and _replace() work on the plugin's namedtuples."""
    sandbox = sandboxed(
        """
        from collections import namedtuple
        P = namedtuple("P", "x y")
        p = P(1, 2)._replace(y=5)
        result = (p._asdict(), P._fields)
        """
    )

    assert sandbox.import_module("m").result == ({"x": 1, "y": 5}, ("x", "y"))
