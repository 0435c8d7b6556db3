"""
Files, environment variables and programs: only what the manifest asks
for, checked on the canonical path, denials audited.
"""

import os
import textwrap

import pytest
from tests.host.test_host import started_host

from acc_plugins.errors import PluginCallError
from acc_plugins.host import PluginHost, State
from acc_plugins.security import AuditKind


SOURCE = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def read(self, path: str) -> str:
        return self.ctx.fs.read_text(path)

    @tool
    def write(self, path: str, text: str) -> int:
        return self.ctx.fs.write_text(path, text)

    @tool
    def listing(self, path: str) -> list[str]:
        return self.ctx.fs.listdir(path)

    @tool
    def env(self, name: str) -> str | None:
        return self.ctx.env.get(name)

    @tool
    def run(self, argv: list[str]) -> dict:
        return self.ctx.process.run(argv)
"""

MANIFEST = """
[plugin]
name = "outside"
version = "1.0.0"
description = "Touches the outside world."
entry = "main:Main"
kind = "tool"

[permissions]
filesystem = ["read:${workspace}/notes/**", "write:${data}/**"]
environment = ["ACC_TEST_*"]
process = ["echo"]
"""


def denied(host, tool: str, match: str, **arguments) -> None:
    """The call is refused, the plugin quarantined; then released."""
    with pytest.raises(PluginCallError, match=match):
        host.call_tool(f"outside.{tool}", **arguments)
    assert host.state("outside") is State.QUARANTINED
    host.release("outside")


@pytest.fixture(name="host")
def _host(tmp_path, monkeypatch):
    workspace = tmp_path / "workspace"
    (workspace / "notes").mkdir(parents=True)
    (workspace / "notes" / "todo.txt").write_text("buy milk\n")
    (workspace / "secret.txt").write_text("hunter2\n")
    (workspace / "notes" / "escape").symlink_to(workspace / "secret.txt")
    folder = tmp_path / "plugins" / "outside"
    folder.mkdir(parents=True)
    (folder / "plugin.toml").write_text(MANIFEST)
    (folder / "main.py").write_text(textwrap.dedent(SOURCE))
    monkeypatch.setenv("ACC_TEST_TOKEN", "t0k3n")
    monkeypatch.setenv("HOST_SECRET", "nope")
    host = started_host(tmp_path, workspace=workspace)
    yield host
    host.stop()


def test_granted_files_can_be_read(host):
    """Relative paths start at the workspace."""
    assert (
        host.call_tool("outside.read", path="notes/todo.txt") == "buy milk\n"
    )
    assert host.call_tool("outside.listing", path="notes") == [
        "escape",
        "todo.txt",
    ]


@pytest.mark.parametrize(
    "path",
    [
        "secret.txt",
        "notes/../secret.txt",
        "notes/escape",
        "/etc/passwd",
        "notes/./../secret.txt",
    ],
)
def test_paths_outside_the_grant_are_denied(host, path):
    """Canonicalised first: .., symlinks and absolute paths do not escape;
    reaching for them quarantines the plugin."""
    denied(host, "read", "lacks permission 'fs:read:", path=path)

    denials = list(
        host.audit_log.entries(plugin="outside", kind=AuditKind.DENIAL)
    )
    assert denials
    assert denials[-1].detail["permission"].startswith("fs:read:")


def test_writes_go_to_the_data_folder_atomically(host, tmp_path):
    """Write without read: the plugin can store but not read back."""
    data = tmp_path / "data" / "plugins" / "outside"

    written = host.call_tool(
        "outside.write", path=str(data / "out" / "a.txt"), text="hé"
    )

    assert written == 3
    assert (data / "out" / "a.txt").read_text() == "hé"
    assert not [
        p for p in (data / "out").iterdir() if p.name.startswith(".acc-")
    ]
    denied(
        host,
        "write",
        "lacks permission 'fs:write:",
        path="notes/todo.txt",
        text="x",
    )
    denied(
        host,
        "read",
        "lacks permission 'fs:read:",
        path=str(data / "out" / "a.txt"),
    )


def test_environment_variables_by_grant(host):
    """A prefix grant covers its variables and nothing else."""
    assert host.call_tool("outside.env", name="ACC_TEST_TOKEN") == "t0k3n"
    assert host.call_tool("outside.env", name="ACC_TEST_MISSING") is None
    denied(
        host, "env", "lacks permission 'env:HOST_SECRET'", name="HOST_SECRET"
    )


def test_programs_by_name_without_a_shell(host):
    """Only granted commands run, with a small environment."""
    result = host.call_tool("outside.run", argv=["echo", "hello; rm -rf /"])

    assert result == {
        "returncode": 0,
        "stdout": "hello; rm -rf /\n",
        "stderr": "",
    }
    for argv in (["sh", "-c", "id"], ["env"]):
        denied(host, "run", "lacks permission 'process:", argv=argv)
    with pytest.raises(PluginCallError, match="'/bin/echo' is a path"):
        host.call_tool("outside.run", argv=["/bin/echo", "x"])


def test_programs_do_not_inherit_host_secrets(host, tmp_path):
    """The child's environment is a fixed short list."""
    folder = tmp_path / "plugins" / "outside"
    manifest = (
        (folder / "plugin.toml")
        .read_text()
        .replace('["echo"]', '["echo", "env"]')
    )
    (folder / "plugin.toml").write_text(manifest)
    fresh = PluginHost(
        [tmp_path / "plugins"],
        cache_dir=tmp_path / "c2",
        data_dir=tmp_path / "d2",
    )
    fresh.start()
    try:
        output = fresh.call_tool("outside.run", argv=["env"])["stdout"]
    finally:
        fresh.stop()

    assert "HOST_SECRET" not in output
    assert "ACC_TEST_TOKEN" not in output
    assert os.environ["HOST_SECRET"] == "nope"  # noqa: S105 -- a test value


def test_the_hosts_own_files_are_never_granted(tmp_path):
    """Even read:${workspace}/** does not reach the cache or data folders."""
    workspace = tmp_path
    (workspace / "readme.txt").write_text("hello")
    folder = tmp_path / "plugins" / "outside"
    folder.mkdir(parents=True)
    (folder / "plugin.toml").write_text(
        MANIFEST.replace(
            '"read:${workspace}/notes/**"', '"read:${workspace}/**"'
        )
    )
    (folder / "main.py").write_text(textwrap.dedent(SOURCE))
    host = started_host(tmp_path, workspace=workspace)
    try:
        assert host.call_tool("outside.read", path="readme.txt") == "hello"
        (cached,) = (tmp_path / "cache").glob("*.accc")
        with pytest.raises(PluginCallError, match="the host's own files"):
            host.call_tool("outside.read", path=str(cached))
        assert host.state("outside") is State.QUARANTINED
        host.release("outside")
        with pytest.raises(PluginCallError, match="the host's own files"):
            host.call_tool("outside.listing", path="data")
    finally:
        host.stop()


LIMITED = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def big(self, size: int) -> str:
        return "x" * size

    @tool
    def rows(self, count: int) -> list:
        return [{"n": i} for i in range(count)]

    @tool
    def touch_all(self, times: int) -> int:
        for _ in range(times):
            self.ctx.fs.exists("notes/todo.txt")
        return times
"""


def test_results_and_file_operations_are_capped(tmp_path):
    """output-bytes caps results; fs-operations caps file calls per call."""
    workspace = tmp_path / "workspace"
    (workspace / "notes").mkdir(parents=True)
    (workspace / "notes" / "todo.txt").write_text("x")
    folder = tmp_path / "plugins" / "outside"
    folder.mkdir(parents=True)
    (folder / "plugin.toml").write_text(
        MANIFEST + "\n[limits]\noutput-bytes = 100\nfs-operations = 3\n"
    )
    (folder / "main.py").write_text(textwrap.dedent(LIMITED))
    host = started_host(tmp_path, workspace=workspace)
    try:
        assert host.call_tool("outside.big", size=25) == "x" * 25
        with pytest.raises(PluginCallError, match="102 bytes"):
            host.call_tool(
                "outside.big", size=100
            )  # 100 characters, 102 as JSON
        with pytest.raises(
            PluginCallError, match="more than its output limit of 100"
        ):
            host.call_tool("outside.big", size=200)
        with pytest.raises(
            PluginCallError, match="more than its output limit of 100"
        ):
            host.call_tool("outside.rows", count=20)
        assert host.call_tool("outside.touch_all", times=3) == 3
        with pytest.raises(
            PluginCallError, match="more than 3 file operations"
        ):
            host.call_tool("outside.touch_all", times=4)
    finally:
        host.stop()


def test_a_revoked_pattern_is_an_ordinary_denial(host):
    """Using what the manifest asked for with a pattern, after the user
    revoked it, fails the call and leaves the plugin active."""
    host.revoke("outside", ["fs:read:${workspace}/notes/**", "env:ACC_TEST_*"])
    host.reload("outside")

    with pytest.raises(PluginCallError, match="lacks permission 'fs:read:"):
        host.call_tool("outside.read", path="notes/todo.txt")
    with pytest.raises(PluginCallError, match="'env:ACC_TEST_TOKEN'"):
        host.call_tool("outside.env", name="ACC_TEST_TOKEN")

    assert host.state("outside") is State.ACTIVE
