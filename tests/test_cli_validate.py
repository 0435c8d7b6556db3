"""
``acc-plugins validate`` on imports: every import the sandbox will refuse
is reported with file, line and the fix; optional imports are warnings.
"""

import ast
import keyword
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.cli import cli
from acc_plugins.host import PluginHost
from acc_plugins.host._importcheck import PluginModules, import_findings
from acc_plugins.sandbox import ALLOWED_MODULES, SANDBOX_MODULES


MANIFEST = (
    '[plugin]\nname = "demo"\nversion = "1.0.0"\n'
    'description = "Imports things."\nentry = "plugin:Main"\n'
    'kind = "tool"\n'
)

TOP_LEVEL_SDK = """\
from acc_plugins import Plugin, tool


class Main(Plugin):
    @tool
    def hello(self) -> str:
        return "hi"
"""


def write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "plugin.toml").write_text(MANIFEST)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def validate(root: Path):
    return CliRunner().invoke(cli, ["validate", str(root)])


def test_the_sdk_from_the_package_top_level_validates_and_loads(tmp_path):
    """from acc_plugins import Plugin, tool: validate says ok, and the
    plugin loads and serves."""
    root = write(tmp_path / "plugins" / "demo", {"plugin.py": TOP_LEVEL_SDK})

    result = validate(root)
    with PluginHost(
        [tmp_path / "plugins"],
        cache_dir=tmp_path / "c",
        data_dir=tmp_path / "d",
    ) as host:
        answer = host.call_tool("demo.hello")

    assert result.output == "ok: demo 1.0.0 is valid (1 module)\n"
    assert answer == "hi"


def test_a_refused_import_is_reported_with_line_and_fix(tmp_path):
    """import requests: file, line, and the host capability to use."""
    root = write(
        tmp_path / "demo",
        {"plugin.py": "import json\n\nimport requests\n" + TOP_LEVEL_SDK},
    )

    result = validate(root)

    assert result.exit_code == 1
    assert (
        f"{root / 'plugin.py'}:3: import of 'requests' is not available in "
        "the sandbox; use self.ctx.http (permission net:<url>)\n"
    ) in result.output


def test_an_optional_import_is_a_warning(tmp_path):
    """try: import numpy / except ImportError: is reported, not failed."""
    root = write(
        tmp_path / "demo",
        {
            "plugin.py": TOP_LEVEL_SDK
            + "try:\n    import numpy\nexcept ImportError:\n    numpy = None\n"
        },
    )

    result = validate(root)

    assert result.exit_code == 0
    assert result.output.splitlines() == [
        (
            f"warning: {root / 'plugin.py'}:9: import of 'numpy' is not "
            "available in the sandbox; plugins may import their own "
            "modules, acc_plugins (the SDK) and the standard-library "
            "allowlist (list it with 'acc-plugins modules') (caught as "
            "ImportError: the plugin runs without it)"
        ),
        "ok: demo 1.0.0 is valid (1 module)",
    ]


def test_every_file_and_kind_of_import_is_checked(tmp_path):
    """Own modules, relative imports and members are followed in every
    file; only what the gate refuses is reported."""
    root = write(
        tmp_path / "demo",
        {
            "plugin.py": TOP_LEVEL_SDK + "import pkg.inner\nimport helpers\n",
            "helpers.py": "import shutil\nfrom json import codecs\n",
            "pkg/__init__.py": "from . import inner\n",
            "pkg/inner.py": (
                "from .missing import x\nfrom . import sibling\n"
                "from ... import far\nfrom acc_plugins import PluginHost\n"
                "import acc_plugins.host\n"
            ),
            "pkg/sibling.py": "from .inner import far\n",
        },
    )

    result = validate(root)

    inner = root / "pkg" / "inner.py"
    helpers = root / "helpers.py"
    assert result.exit_code == 1
    assert [
        line.split(" (")[0].split(";")[0]
        for line in result.output.splitlines()[:-1]
    ] == [
        f"{helpers}:1: import of 'shutil' is not available in the sandbox",
        f"{helpers}:2: the sandbox's 'json' offers no 'codecs'",
        f"{inner}:1: the plugin has no module 'pkg.missing'",
        f"{inner}:3: a relative import beyond the plugin's folder",
        f"{inner}:4: the sandbox's 'acc_plugins' offers no 'PluginHost'",
        (
            f"{inner}:5: import of 'acc_plugins.host' is not available in "
            "the sandbox"
        ),
    ]


MODULES = PluginModules(
    frozenset({"helpers"}),
    {"acc_plugins": frozenset({"Plugin"}), "acc_plugins.sdk": frozenset()},
)


def findings(source: str) -> list[str]:
    tree = ast.parse(source)
    found = import_findings(
        Path("m.py"), tree, "m", is_package=False, modules=MODULES
    )
    return [f.text for f in found]


@given(st.sampled_from(sorted(ALLOWED_MODULES)))
def test_no_allowlisted_module_is_reported(module):
    """What the allowlist offers validates."""
    assert findings(f"import {module}\n") == []


@given(
    st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True).filter(
        lambda name: (
            name not in ALLOWED_MODULES
            and name not in SANDBOX_MODULES  # the sandbox's own os, sys
            and name not in {"helpers", "acc_plugins"}
            and not keyword.iskeyword(name)
        )
    )
)
def test_every_other_module_is_reported(module):
    """What neither the allowlist, the SDK nor the plugin offers is
    reported, once, at its line."""
    assert findings(f"x = 1\nimport {module}\n") == [
        f"m.py:2: import of {module!r} is not available in the sandbox; "
        + findings_fix(module)
    ]


def findings_fix(module: str) -> str:
    from acc_plugins.sandbox._unavailable import fix_for

    return fix_for(module)


@pytest.mark.parametrize(
    "handler",
    [
        "ImportError",
        "ModuleNotFoundError",
        "Exception",
        "(ValueError, ImportError)",
        "",
    ],
)
def test_handlers_that_catch_import_errors_make_it_optional(handler):
    """Each handler that catches the ImportError makes the import optional."""
    source = f"try:\n    import yaml\nexcept {handler}:\n    pass\n"
    tree = ast.parse(source)

    found = import_findings(
        Path("m.py"), tree, "m", is_package=False, modules=MODULES
    )

    assert [f.optional for f in found] == [True]


def test_a_handler_for_something_else_leaves_it_an_error():
    """except ValueError does not catch the ImportError."""
    tree = ast.parse("try:\n    import yaml\nexcept ValueError:\n    pass\n")

    found = import_findings(
        Path("m.py"), tree, "m", is_package=False, modules=MODULES
    )

    assert [f.optional for f in found] == [False]


def test_imports_for_type_checkers_only_are_not_reported():
    """Imports under if TYPE_CHECKING: never run; its else branch does."""
    source = (
        "import typing\nfrom typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from pathlib import Path\n"
        "if typing.TYPE_CHECKING:\n    import os\nelse:\n    import yaml\n"
    )

    assert findings(source) == [
        "m.py:8: import of 'yaml' is not available in the sandbox; "
        + findings_fix("yaml")
    ]


AUTHOR_TEST = """\
import pytest

from acc_plugins.host import PluginHost


def test_hello(tmp_path):
    assert PluginHost is not None
"""


def test_the_authors_tests_are_left_to_pytest(tmp_path):
    """tests/ may import pytest and the host: validate does not read it."""
    root = write(
        tmp_path / "demo",
        {"plugin.py": TOP_LEVEL_SDK, "tests/test_demo.py": AUTHOR_TEST},
    )

    result = validate(root)

    assert result.exit_code == 0
    assert result.output == "ok: demo 1.0.0 is valid (1 module)\n"


def test_plugin_code_cannot_import_the_authors_tests(tmp_path):
    """The host never loads tests/: validate refuses an import of it, and
    the sandbox refuses it at load time."""
    helper = "from tests.helpers import WORD\n\n"
    root = write(
        tmp_path / "plugins" / "demo",
        {
            "plugin.py": helper + TOP_LEVEL_SDK,
            "tests/__init__.py": "",
            "tests/helpers.py": "WORD = 'hi'\n",
        },
    )

    result = validate(root)
    with PluginHost(
        [tmp_path / "plugins"],
        cache_dir=tmp_path / "c",
        data_dir=tmp_path / "d",
        config_dir=tmp_path / "config",
    ) as host:
        state = host.state("demo").value
        error = host.info("demo").last_error

    assert result.exit_code == 1
    assert "plugin.py:1: import of 'tests.helpers'" in result.output
    assert state == "error"
    assert error is not None
    assert error.kind == "ModuleNotFoundError"
    assert "No module named 'tests.helpers'" in error.message
