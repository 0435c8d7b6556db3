"""
The import gate: the plugin's own modules, the SDK, and the allowlist as
read-only proxies; everything else is not found, recorded with file and
line.
"""

import textwrap

import pytest

from acc_plugins.sandbox import (
    ALLOWED_MODULES,
    ModuleProxy,
    RefusedImport,
    Sandbox,
)
from acc_plugins.sandbox._sandbox import MAX_REFUSED_IMPORTS


OPTIONAL = """\
try:
    import numpy
except ImportError:
    numpy = None
try:
    from subprocess import run
except ModuleNotFoundError:
    run = None
"""


@pytest.mark.parametrize(
    "module",
    [
        "subprocess",
        "builtins",
        "importlib",
        "ctypes",
        "pathlib",
        "socket",
        "pickle",
        "gc",
        "inspect",
        "os.environ",
        "json.decoder",
        "collections.abc.sys",
    ],
)
def test_modules_outside_the_allowlist_are_not_found(sandboxed, module):
    """An import the gate refuses raises ModuleNotFoundError naming the
    module; it is recorded with file and line, and is no violation."""
    with pytest.raises(ModuleNotFoundError) as info:
        sandboxed(f"x = 1\nimport {module}\n")

    assert info.value.name == module
    assert f"import of {module!r} is not available in the sandbox" in str(
        info.value
    )


def test_a_refused_import_is_recorded_not_counted(tmp_path):
    """The refusal is recorded with file and line and reported, but is not
    a violation."""
    root = tmp_path / "plugin"
    root.mkdir()
    (root / "m.py").write_text(OPTIONAL)
    told: list[RefusedImport] = []
    sandbox = Sandbox(root, "test", on_refused_import=told.append)

    module = sandbox.import_module("m")

    assert module.numpy is None
    assert sandbox.violations == []
    assert [(r.module, r.lineno) for r in sandbox.refused_imports] == [
        ("numpy", 2),
        ("subprocess", 6),
    ]
    assert str(sandbox.refused_imports[0].filename).endswith("m.py")
    assert told == sandbox.refused_imports
    assert "not available" in told[1].message


def test_the_record_of_refused_imports_is_bounded(sandboxed):
    """A loop importing made-up names does not grow the record unboundedly."""
    lines = "".join(
        f"try:\n    import missing{i}\nexcept ImportError:\n    pass\n"
        for i in range(MAX_REFUSED_IMPORTS + 50)
    )
    sandbox = sandboxed(
        f"for _ in range(3):\n{textwrap.indent(lines, '    ')}"
    )

    assert len(sandbox.refused_imports) == MAX_REFUSED_IMPORTS


def test_from_import_of_a_refused_module(sandboxed):
    """'from socket import socket' is refused like 'import socket'."""
    with pytest.raises(ModuleNotFoundError, match="import of 'socket'"):
        sandboxed("from socket import socket\n")


def test_the_sdk_is_importable_from_the_package_top_level(tmp_path):
    """from acc_plugins import Plugin, tool works as from acc_plugins.sdk."""
    from acc_plugins import sdk
    from acc_plugins.host.core._registration import sdk_members

    root = tmp_path / "plugin"
    root.mkdir()
    (root / "m.py").write_text(
        "from acc_plugins import Plugin, tool\n"
        "import acc_plugins.sdk\n"
        "import acc_plugins\n"
        "same = acc_plugins.sdk.Plugin is Plugin is acc_plugins.Plugin\n"
    )
    members = sdk_members()
    sandbox = Sandbox(
        root,
        "test",
        extra_modules={"acc_plugins": members, "acc_plugins.sdk": members},
    )

    module = sandbox.import_module("m")

    assert module.same is True
    assert module.Plugin is sdk.Plugin
    assert module.tool is sdk.tool


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
