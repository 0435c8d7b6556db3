import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest


pytest_plugins = ["pytester"]

# A plugin that reaches for the network, a file, a variable and events:
# each test's plugin.toml decides which of them it declares.
WEATHER = """
from acc_plugins.sdk import Plugin, tool


class Weather(Plugin):
    @tool
    def forecast(self, city: str) -> str:
        reply = self.ctx.http.get(f"https://api.example.com/forecast/{city}")
        self.ctx.events.emit("fetched", {"city": city})
        return reply["text"]

    @tool
    def notes(self) -> str:
        return self.ctx.fs.read_text("notes.txt")

    @tool
    def units(self) -> str:
        return self.ctx.env.get("WEATHER_UNITS", "metric")

    @tool
    def summary(self, text: str) -> str:
        return self.ctx.claude.query(text, system="Summarise the weather.")
"""

MANIFEST = """
[plugin]
name = "weather"
version = "1.0.0"
description = "The weather, for tests of the testing kit."
kind = "tool"
entry = "weather:Weather"
{isolation}
[permissions]
{permissions}
"""

WritePlugin = Callable[..., Path]


@pytest.fixture(name="weather")
def _weather(pytester: pytest.Pytester) -> WritePlugin:
    """
    Write the weather plugin into the pytester folder, with *permissions*
    (lines of its [permissions] table) and *tests* (the test module).
    """

    def write(
        permissions: str = "", tests: str = "", isolated: bool = False
    ) -> Path:
        root = pytester.path
        (root / "weather.py").write_text(WEATHER)
        (root / "plugin.toml").write_text(
            MANIFEST.format(
                permissions=textwrap.dedent(permissions),
                isolation='isolation = "subprocess"' if isolated else "",
            )
        )
        folder = root / "tests"
        folder.mkdir(exist_ok=True)
        (folder / "test_weather.py").write_text(textwrap.dedent(tests))
        return root

    return write
