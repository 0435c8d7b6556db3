"""
What a line a plugin logs through ``self.ctx.log`` costs, against the
standard library's ``logging`` writing the same line to a file.

Both sides write to disk: the plugin's line goes into its log store
(``logs/<plugin>.jsonl``, one JSON line per entry, appended with one
write so that processes can share the file), the reference through a
``logging.FileHandler``.  Each side logs ``LINES`` lines per call, so the
call into the plugin weighs little.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from _interleave import compare
from _report import Row, ratio_row

from acc_plugins.host import PluginHost


LINES = 100

_MANIFEST = """\
[plugin]
name = "chatty"
version = "1.0.0"
description = "Logs."
entry = "chatty:Chatty"
kind = "tool"
"""

_PLUGIN = """\
from acc_plugins.sdk import Plugin, tool


class Chatty(Plugin):
    @tool
    def talk(self, n: int) -> int:
        \"\"\"Log n lines.\"\"\"
        for i in range(n):
            self.ctx.log.info("processed an item")
        return n
"""


def _stdlib_logger(folder: Path) -> logging.Logger:
    logger = logging.getLogger("bench.pluginlog")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = logging.FileHandler(folder / "reference.log")
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    )
    logger.addHandler(handler)
    return logger


def bench_pluginlog(rounds: int) -> list[Row]:
    """
    ``ctx.log.info`` from plugin code against ``logging`` to a file.
    """
    with tempfile.TemporaryDirectory() as name:
        home = Path(name)
        plugin = home / "plugins" / "chatty"
        plugin.mkdir(parents=True)
        (plugin / "plugin.toml").write_text(_MANIFEST)
        (plugin / "chatty.py").write_text(_PLUGIN)
        logger = _stdlib_logger(home)

        def reference() -> int:
            for _ in range(LINES):
                logger.info("processed an item")
            return LINES

        with PluginHost(
            [home / "plugins"],
            cache_dir=home / "c",
            data_dir=home / "d",
            config_dir=home / "config",
            auto_update=False,
        ) as host:

            def measured() -> object:
                return host.call_tool("chatty.talk", n=LINES)

            assert measured() == reference()
            ratio = compare(reference, measured, rounds=rounds)
        for handler in logger.handlers:
            handler.close()
        logger.handlers.clear()
    row = ratio_row(
        f"ctx.log line to the log store / logging.FileHandler, {LINES} a call",
        ratio,
        2.0,
    )
    per_line = ratio.measured / LINES * 1e6
    reference_line = ratio.reference / LINES * 1e6
    note = f"{per_line:.1f} µs a line against {reference_line:.1f} µs"
    return [Row(row.case, row.value, row.spread, row.target, row.passed, note)]
