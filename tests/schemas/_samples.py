"""
Real documents made by the library, to hold against its schemas: the
examples' manifests, the tools a host lists, the events a host emits while
plugins load, reload (and fail to), are configured wrongly and are called,
and the index a registry writes when a plugin is published.
"""

import contextlib
import json
import shutil
import tomllib
from pathlib import Path
from typing import Any

import attrs
from click.testing import CliRunner
from tests.host.test_host import write_plugin

from acc_plugins.cli import cli
from acc_plugins.cli._format import jsonable
from acc_plugins.errors import ReloadError
from acc_plugins.host import PluginHost


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SERVING = ("text-tools", "code-reviewer", "review-pipeline")

COUNTER = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def count(self, words: list[str], *, upto: int | None = None) -> int:
        \"\"\"Count words.

        Args:
            words: The words.
            upto: Stop here.
        \"\"\"
        return len(words[:upto])
"""


@attrs.frozen
class Samples:
    """
    Documents the library made, as JSON data.
    """

    manifests: dict[str, Any]
    tools: list[Any]
    events: list[Any]
    index: Any


def manifests() -> dict[str, Any]:
    return {
        path.parent.name: tomllib.loads(path.read_text())
        for path in sorted(EXAMPLES.glob("*/plugin.toml"))
    }


def _host_run(home: Path) -> tuple[list[Any], list[Any]]:
    plugins = home / "plugins"
    for name in SERVING:
        shutil.copytree(EXAMPLES / name, plugins / name)
    counter = write_plugin(plugins, "counter", COUNTER)
    host = PluginHost(
        [plugins],
        cache_dir=home / "cache",
        data_dir=home / "data",
        config_dir=home / "config",
    )
    events: list[Any] = []
    host.subscribe(events.append)
    host.start()
    try:
        tools = jsonable(host.tools())
        host.call_tool("counter.count", words=["a", "b"])
        host.reload("counter")
        (counter / "main.py").write_text("def broken(:\n")
        with contextlib.suppress(ReloadError):
            host.reload("counter")
        (home / "config").mkdir(exist_ok=True)
        (home / "config" / "config.toml").write_text("[plugins.x\n")
        host.apply_config()
    finally:
        host.stop()
    assert isinstance(tools, list)
    return tools, [jsonable(event) for event in events]


def _published_index(home: Path) -> Any:
    def run(*args: str) -> None:
        result = CliRunner().invoke(
            cli,
            [
                f"--data-dir={home / 'data'}",
                f"--config-dir={home / 'config'}",
                f"--cache-dir={home / 'cache'}",
                *args,
            ],
        )
        assert result.exit_code == 0, (args, result.output)

    run("keys", "generate", "me")
    registry = home / "reg"
    run("registry", "init", str(registry), "--name", "Team", "--key", "me")
    for name in ("text-tools", "code-reviewer"):
        run(
            "publish",
            str(EXAMPLES / name),
            "--registry",
            str(registry),
            "--key",
            "me",
            "--skip-tests",
        )
    run(
        "yank",
        "code-reviewer==0.3.0",
        "--registry",
        str(registry),
        "--reason",
        "a test",
    )
    return json.loads((registry / "index.json").read_text())


def make_samples(home: Path) -> Samples:
    tools, events = _host_run(home / "host")
    return Samples(
        manifests=manifests(),
        tools=tools,
        events=events,
        index=_published_index(home / "owner"),
    )
