"""
``suggest_permissions``: run a plugin's own tests with recording on and
say which ``[permissions]`` they needed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Final

import attrs

from acc_plugins.manifest import load_manifest

from ._recording import RECORD_ENV, permissions_table, read_uses, toml_block


# The last lines of pytest's output a failed run is reported with.
_TAIL: Final = 15


@attrs.frozen
class Suggestion:
    """
    What a plugin's tests used, as a ``[permissions]`` table.

    Attributes:
        plugin: The plugin's name.

        used: Every permission a test used or reached for, canonical
            form, in the order first seen.

        table: The smallest ``[permissions]`` arrays covering every use
            recorded, each entry exactly what was used.

        declared: What its ``plugin.toml`` requests now (canonical).

        ungrantable: Uses no manifest entry can allow (a file outside
            every root).

        hosts: How many hosts the kit's fixtures built for the plugin
            (0: its tests do not use the kit, and nothing was recorded).

        status: pytest's exit status: 0 when every test passed.

        output: The end of pytest's output when it did not pass.
    """

    plugin: str
    used: tuple[str, ...]
    table: dict[str, list[str]]
    declared: tuple[str, ...]
    ungrantable: tuple[str, ...]
    hosts: int
    status: int
    output: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """
        Whether every test passed.
        """
        return self.status == 0

    @property
    def unused(self) -> tuple[str, ...]:
        """
        What ``plugin.toml`` requests that the suggestion leaves out:
        never used, or wider than what was used.
        """
        return tuple(p for p in self.declared if p not in self.used)

    @property
    def toml(self) -> str:
        """
        The table as a ``plugin.toml`` block ("" when nothing was used).
        """
        return toml_block(self.table) if self.table else ""


def suggest_permissions(root: Path, *, timeout: float = 300.0) -> Suggestion:
    """
    Run the tests in *root*'s ``tests`` folder (pytest, in a child
    process), recording every permission its plugin used or reached for
    in the hosts the testing kit's fixtures built, and return the
    smallest ``[permissions]`` table that covers them.

    Every host runs its plugins in-process while recording, whatever
    their tier.  A use the manifest does not declare is refused (and
    recorded): the test that made it fails, and what the plugin would
    have done after it is not seen; add what is suggested and run again.

    Raises:
        ManifestError: If *root* has no valid ``plugin.toml``.

        FileNotFoundError: If it has no ``tests`` folder.

        TimeoutError: If the tests run longer than *timeout* seconds.
    """
    manifest = load_manifest(root / "plugin.toml")
    folder = root.resolve()  # pytest runs inside it
    tests = root / "tests"
    if not tests.is_dir():
        msg = f"{tests}: no tests folder to run"
        raise FileNotFoundError(msg)
    with tempfile.TemporaryDirectory(prefix="acc-suggest-") as scratch:
        record = Path(scratch) / "uses.jsonl"
        environment = {
            **os.environ,
            RECORD_ENV: str(record),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
        ]
        try:
            completed = subprocess.run(  # noqa: S603 -- our own interpreter
                [*command, str(folder / "tests")],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                env=environment,
            )
        except subprocess.TimeoutExpired:
            msg = f"the tests in {tests} ran longer than {timeout:g} seconds"
            raise TimeoutError(msg) from None
        hosts, used = read_uses(record, manifest.plugin.name)
    table, ungrantable = permissions_table(used)
    output = (completed.stdout + completed.stderr).splitlines()
    return Suggestion(
        plugin=manifest.plugin.name,
        used=tuple(used),
        table=table,
        declared=tuple(p.canonical for p in manifest.permissions.all),
        ungrantable=tuple(ungrantable),
        hosts=hosts,
        status=completed.returncode,
        output=() if completed.returncode == 0 else tuple(output[-_TAIL:]),
    )
