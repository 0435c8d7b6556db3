"""
``acc-plugins config import`` sets grants exactly and lands all or
nothing: under kills, a refused write, and bad input.
"""

import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.host.test_grants_audit import LIMITED, kill_when_busy

from acc_plugins.cli import cli
from acc_plugins.errors import ConfigError
from acc_plugins.host import PluginHost
from acc_plugins.host.gate._consent import GrantStore
from acc_plugins.security import AuditLog


EXAMPLES = Path(__file__).parent.parent / "examples"
CLAUDE = "host:claude.query"


def _setup(width: int, grants: str) -> str:
    return (
        f"[plugins.text-tools.settings]\ndefault_width = {width}\n\n"
        f"[plugins.code-reviewer]\ngrants = [{grants}]\n"
        f"[plugins.code-reviewer.settings]\nmax_lines = {width * 10}\n"
    )


# The two setups a killed importer alternates between.
SETUP_A = _setup(11, "")
SETUP_B = _setup(22, f'"{CLAUDE}"')

# Imports setup A and setup B in turn, as fast as it can.
IMPORTER = f"""
import sys
from acc_plugins.host import PluginHost

home = sys.argv[1]
host = PluginHost(
    [{str(EXAMPLES)!r}], cache_dir=home + "/cache", data_dir=home + "/data"
)
host.survey()
print("ready", flush=True)
n = 0
while True:
    host.import_config({SETUP_B!r} if n % 2 else {SETUP_A!r}, source="t")
    n += 1
"""


def options_for(home: Path) -> list[str]:
    return [
        f"--path={EXAMPLES}",
        f"--cache-dir={home / 'cache'}",
        f"--data-dir={home / 'data'}",
        f"--config-dir={home / 'config'}",
    ]


@pytest.fixture(name="run")
def _run(tmp_path):
    def run(*args: str):
        return CliRunner().invoke(cli, [*options_for(tmp_path), *args])

    return run


def _state(home: Path) -> tuple[object, frozenset[str] | None]:
    """
    (text-tools' width, code-reviewer's grants) as a new host sees them.
    """
    host = PluginHost(
        [EXAMPLES], cache_dir=home / "cache", data_dir=home / "data"
    )
    host.survey()
    width = host.config("text-tools")["default_width"]["value"]
    return width, host.grant_store.granted("code-reviewer")


def test_an_import_of_no_grants_revokes_them(run, tmp_path):
    """``grants = []`` leaves the plugin with no grant: export, revoke in
    the file, import, and the revocation is restored and audited."""
    assert run("list").exit_code == 0  # code-reviewer granted at first use
    setup = tmp_path / "team.toml"
    setup.write_text("[plugins.code-reviewer]\ngrants = []\n")

    result = run("config", "import", str(setup))

    assert result.exit_code == 0, result.output
    store = GrantStore(tmp_path / "data" / "grants.json")
    assert store.granted("code-reviewer") == frozenset()
    newest = list(AuditLog(tmp_path / "data" / "audit").entries())[-1]
    assert newest.detail["revoked"] == {"code-reviewer": [CLAUDE]}


def test_settings_that_are_not_a_table_are_one_clear_error(run, tmp_path):
    """No traceback, the key named, nothing changed."""
    setup = tmp_path / "team.toml"
    setup.write_text(
        '[plugins.code-reviewer]\ngrants = []\nsettings = "wide"\n'
    )

    result = run("config", "import", str(setup))

    assert result.exit_code == 1
    assert "plugins.code-reviewer.settings: must be a table" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "config" / "config.toml").exists()
    assert not (tmp_path / "data" / "grants.json").exists()


def test_a_refused_write_changes_nothing(tmp_path):
    """With a file size limit too small for the new files, the import
    fails with one clear error, grants and settings unchanged."""
    assert (
        CliRunner().invoke(cli, [*options_for(tmp_path), "list"]).exit_code
        == 0
    )
    grants = (tmp_path / "data" / "grants.json").read_bytes()
    setup = tmp_path / "team.toml"
    setup.write_text(SETUP_A)

    refused = subprocess.run(  # noqa: S603 -- our own test program
        [
            sys.executable,
            "-c",
            LIMITED,
            str(len(grants) + 40),
            *options_for(tmp_path),
            "config",
            "import",
            str(setup),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tempfile.gettempdir(),
        env={**os.environ, "ACC_PLUGINS_CONFIG_DIR": str(tmp_path / "config")},
    )

    assert refused.returncode == 1
    assert "error: cannot write " in refused.stderr
    assert "Traceback" not in refused.stderr
    assert (tmp_path / "data" / "grants.json").read_bytes() == grants
    assert not (tmp_path / "config" / "config.toml").exists()
    assert not (tmp_path / "data" / "import.journal").exists()


def test_a_failure_between_the_settings_and_the_grants_undoes_both(
    run, tmp_path, monkeypatch
):
    """The settings are put back as they were when the grants fail."""
    assert run("list").exit_code == 0
    assert (
        run("config", "set", "text-tools", "default_width", "30").exit_code
        == 0
    )
    config = tmp_path / "config" / "config.toml"
    before = config.read_bytes()
    grants = (tmp_path / "data" / "grants.json").read_bytes()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device", "grants.json")

    monkeypatch.setattr(GrantStore, "replace", refuse)
    setup = tmp_path / "team.toml"
    setup.write_text(SETUP_B)

    result = run("config", "import", str(setup))

    assert result.exit_code == 1
    assert "error: cannot write grants.json: No space left" in result.output
    assert config.read_bytes() == before
    assert (tmp_path / "data" / "grants.json").read_bytes() == grants
    assert not (tmp_path / "data" / "import.journal").exists()


def test_an_import_killed_at_any_moment_lands_whole(tmp_path):
    """Kill a process importing two setups in turn: the next host sees
    one setup or the other, never the grants of one with the settings of
    the other."""
    home = tmp_path
    host = PluginHost(
        [EXAMPLES], cache_dir=home / "cache", data_dir=home / "data"
    )
    host.survey()
    host.import_config(SETUP_A, source="t")
    rng = random.Random(os.getpid())
    seen = set()
    for _ in range(16):
        kill_when_busy([IMPORTER, str(home)], rng, 0.08)
        seen.add(_state(home))

    assert seen <= {(11, frozenset()), (22, frozenset({CLAUDE}))}
    assert not (home / "data" / "import.journal").exists()


_VALUES = st.sampled_from(
    [
        '"wide"',
        "7",
        "true",
        "[]",
        f'["{CLAUDE}"]',
        '["fs:nowhere"]',
        "[1, 2]",
        "{ max_lines = 30 }",
        '{ max_lines = "many" }',
        "{ style = 42 }",
        "1979-05-27",
    ]
)
_KEYS = st.sampled_from(["grants", "settings", "enabled", "version", "x"])


@pytest.fixture(name="survey_host", scope="module")
def _survey_host(tmp_path_factory):
    home = tmp_path_factory.mktemp("import-fuzz")
    # Its own config folder: a module fixture is made before the autouse
    # one that points hosts away from the user's.
    host = PluginHost(
        [EXAMPLES],
        cache_dir=home / "cache",
        data_dir=home / "data",
        config_dir=home / "config",
    )
    host.survey()
    return host


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.dictionaries(_KEYS, _VALUES, max_size=4))
def test_any_import_applies_or_is_one_config_error(survey_host, entries):
    """Whatever the values, an import applies or raises ConfigError."""
    text = "[plugins.code-reviewer]\n" + "".join(
        f"{key} = {value}\n" for key, value in entries.items()
    )

    problems = ["none: applied"]
    try:
        survey_host.import_config(text, source="fuzz.toml")
    except ConfigError as exc:
        problems = exc.problems

    assert problems
