"""
The resource bombs again, in the isolated tier: each is contained within
its budget or the worker's operating-system limit, the host survives, and
a plugin beside it still answers.
"""

import textwrap
import time

import pytest
from tests.host.test_host import write_plugin

from acc_plugins.errors import PluginCallError
from acc_plugins.host import PluginHost, State


BOMBS = {
    "infinite_while": "while True:\n    pass",
    "recursion_that_catches_recursion_error": (
        "def down(n):\n"
        "    try:\n        return down(n + 1)\n"
        "    except RecursionError:\n        return down(n + 1)\n"
        "return down(0)"
    ),
    "memory_growth": (
        "chunks = []\nwhile True:\n    chunks.append('x' * (8 * 1024 * 1024))"
    ),
    "big_repetition": "return len('a' * 10**10)",
    "big_exponent": "return 10 ** 10**9",
    "big_shift": "return 1 << 10**10",
    "output_flood": "return 'x' * (4 * 1024 * 1024)",
    "regex_backtracking": "return bool(re.match(r'(a+)+$', 'a' * 64 + 'b'))",
    "sort_in_c": "return len(sorted(range(10**7), key=lambda x: -x))",
}

TIMEOUT_MS = 500


def _bomb_plugin(root, body):
    source = (
        "import re\nfrom acc_plugins.sdk import Plugin, tool\n\n"
        "class Main(Plugin):\n    @tool\n    def go(self) -> object:\n"
        + textwrap.indent(body, " " * 8)
        + "\n"
    )
    limits = (
        'isolation = "subprocess"\n\n[limits]\n'
        f"timeout-ms = {TIMEOUT_MS}\nmemory-mb = 128\noutput-bytes = 1048576\n"
    )
    write_plugin(root, "bomb", source, extra=limits)


BYSTANDER = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def ping(self) -> str:
        return "pong"
"""


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_each_bomb_is_contained_in_its_worker(tmp_path, name):
    _bomb_plugin(tmp_path / "plugins", BOMBS[name])
    write_plugin(tmp_path / "plugins", "bystander", BYSTANDER)
    with PluginHost(
        [tmp_path / "plugins"],
        cache_dir=tmp_path / "cache",
        data_dir=tmp_path / "data",
    ) as host:
        assert host.state("bomb") is State.ACTIVE

        started = time.monotonic()
        with pytest.raises(PluginCallError):
            host.call_tool("bomb.go")
        elapsed = time.monotonic() - started

        # In the worker: twice the budget; past that the host's deadline
        # (budget + 2 s) ends the worker itself.
        assert elapsed < TIMEOUT_MS / 1000 + 2 + 0.5
        assert host.call_tool("bystander.ping") == "pong"
        assert host.state("bystander") is State.ACTIVE
