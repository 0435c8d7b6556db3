"""
The worker's operating-system layer, seen from inside a worker whose
sandbox is broken on purpose: a test-only escape runs plain Python there,
after the layer is in place, and reports what it could and could not do.
"""

import functools
import json
import os
import textwrap
from pathlib import Path

import pytest
from tests.host.test_host import write_plugin

from acc_plugins.host import PluginHost, State
from acc_plugins.host.isolation import _isolated
from acc_plugins.host.isolation import _tier as _hostisolation


PLUGIN = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def granted(self) -> object:
        return self.ctx.env.get("ACC_GRANTED_VAR")
"""

MANIFEST = """
[permissions]
environment = ["ACC_GRANTED_VAR"]
"""

# What a plugin that escaped the sandbox would try.  PATHS is prepended.
ESCAPE = """
import os
import resource
import socket


def attempt(action):
    try:
        action()
    except Exception as exc:  # whatever refused it, by name
        return type(exc).__name__
    return "done"


def read(path):
    with open(path, "rb") as handle:
        handle.read()


def write(path):
    with open(path, "w") as handle:
        handle.write("written by the worker")


def forks():
    made = 0
    for _ in range(20):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            os._exit(0)
        made += 1
        os.waitpid(pid, 0)
    return made


def open_files():
    handles = []
    try:
        while len(handles) < 1000:
            handles.append(open("/dev/null", "rb"))
    except OSError:
        pass
    for handle in handles:
        handle.close()
    return len(handles)


with open("/proc/self/status") as handle:
    status = dict(
        line.split(":", 1) for line in handle.read().splitlines()
    )
result = {
    "environ": dict(os.environ),
    "cwd": os.getcwd(),
    "cwd_entries": os.listdir("."),
    "no_new_privs": status["NoNewPrivs"].strip(),
    "capabilities": status["CapEff"].strip(),
    "open_files_limit": resource.getrlimit(resource.RLIMIT_NOFILE),
    "core_limit": resource.getrlimit(resource.RLIMIT_CORE),
    "file_size_limit": resource.getrlimit(resource.RLIMIT_FSIZE),
    "raise_open_files": attempt(
        lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
    ),
    "raise_memory": attempt(
        lambda: resource.setrlimit(
            resource.RLIMIT_AS, (resource.RLIM_INFINITY,) * 2
        )
    ),
    "big_allocation": attempt(lambda: bytearray(400 * 2**20)),
    "process_limit": resource.getrlimit(resource.RLIMIT_NPROC),
    "forks": forks(),
    "open_files": open_files(),
    "read_host_file": attempt(lambda: read(PATHS["secret"])),
    "list_outside": attempt(lambda: os.listdir(PATHS["outside"])),
    "write_outside": attempt(lambda: write(PATHS["outside"] + "/new.txt")),
    "read_own_code": attempt(lambda: read(PATHS["code"])),
    "write_data": attempt(lambda: write(PATHS["data"] + "/note.txt")),
    "signal_host": attempt(lambda: os.kill(os.getppid(), 0)),
    "socket": attempt(socket.socket),
}
"""

HOST_SECRETS = {
    "ANTHROPIC_API_KEY": "sk-ant-not-for-plugins",
    "ACC_PLUGINS_HOST_SECRET": "host-only",
    "SOME_ARBITRARY_VARIABLE": "also-host-only",
}


def _escape_source(home: Path) -> str:
    paths = {
        "secret": str(home / "outside" / "secret.txt"),
        "outside": str(home / "outside"),
        "code": str(home / "plugins" / "probe" / "main.py"),
        "data": str(home / "data"),
    }
    return f"PATHS = {json.dumps(paths)}\n" + textwrap.dedent(ESCAPE)


@pytest.fixture(name="probed", scope="module")
def _probed(tmp_path_factory):
    """
    One worker, escaped: what it reported, its confinement, and what the
    host saw of it while it ran.
    """
    home = tmp_path_factory.mktemp("confinement")
    (home / "outside").mkdir()
    (home / "outside" / "secret.txt").write_text("the host's secret")
    write_plugin(home / "plugins", "probe", PLUGIN, extra=MANIFEST)
    manifest = home / "plugins" / "probe" / "plugin.toml"
    manifest.write_text(
        manifest.read_text().replace(
            'kind = "tool"\n', 'kind = "tool"\nisolation = "subprocess"\n'
        )
    )
    with pytest.MonkeyPatch.context() as patch:
        for name, value in HOST_SECRETS.items():
            patch.setenv(name, value)
        patch.setenv("ACC_GRANTED_VAR", "granted-value")
        patch.setattr(
            _hostisolation,
            "Worker",
            functools.partial(
                _isolated.Worker, test_escape=_escape_source(home)
            ),
        )
        with PluginHost(
            [home / "plugins"],
            cache_dir=home / "cache",
            data_dir=home / "data",
            config_dir=home / "config",
        ) as host:
            assert host.state("probe") is State.ACTIVE
            worker = host._plugins.records["probe"].remote
            assert worker is not None
            environ = Path(f"/proc/{worker.pid}/environ").read_bytes()
            seen = {
                "environ": dict(
                    entry.decode().split("=", 1)
                    for entry in environ.split(b"\0")
                    if entry
                ),
                "granted": host.call_tool("probe.granted"),
                "host_cwd": str(Path.cwd()),
            }
            escape = worker.ready["escape"]
            confinement = worker.confinement
        seen["cwd_after_stop"] = Path(escape["cwd"]).exists()
    return escape, confinement, seen


def _landlock(confinement):
    landlock = confinement["landlock"]
    if not landlock["applied"]:
        pytest.skip(f"no Landlock on this kernel: {landlock['reason']}")
    return landlock


def _seccomp(confinement):
    seccomp = confinement["seccomp"]
    if not seccomp["applied"]:
        pytest.skip(f"no seccomp filter here: {seccomp['reason']}")
    return seccomp


def test_the_escape_ran(probed):
    """The escape reports a result, not an exception of its own."""
    escape, _, _ = probed

    assert "raised" not in escape


def test_the_hosts_environment_stays_in_the_host(probed):
    """Secrets in the host's environment never reach the worker."""
    escape, _, seen = probed

    for environ in (seen["environ"], escape["environ"]):
        assert not set(HOST_SECRETS) & set(environ)
        assert not {v for v in environ.values() if v in HOST_SECRETS.values()}
        assert environ["PATH"] == "/usr/local/bin:/usr/bin:/bin"
        # What the plugin is granted comes along, so it can read it.
        assert environ["ACC_GRANTED_VAR"] == "granted-value"
    assert seen["granted"] == "granted-value"


def test_the_worker_starts_in_a_private_empty_folder(probed):
    """Not the host's working directory; empty; removed when it stops."""
    escape, _, seen = probed

    assert escape["cwd"] != seen["host_cwd"]
    assert escape["cwd_entries"] == []
    assert escape["environ"]["HOME"] == escape["cwd"]
    assert seen["cwd_after_stop"] is False


def test_no_new_privileges_and_no_capabilities(probed):
    escape, confinement, _ = probed

    assert escape["no_new_privs"] == "1"
    assert int(escape["capabilities"], 16) == 0
    assert confinement["no_new_privs"] is True


def test_the_resource_limits_hold(probed):
    """Open files, core dumps and file sizes are capped, for good."""
    escape, confinement, _ = probed

    assert escape["open_files_limit"] == [64, 64]
    assert escape["open_files"] < 64
    assert escape["core_limit"] == [0, 0]
    assert escape["file_size_limit"] == [2**30, 2**30]
    assert escape["raise_open_files"] == "ValueError"
    assert escape["raise_memory"] == "ValueError"
    assert escape["big_allocation"] == "MemoryError"
    assert confinement["limits"]["open_files"] == 64


def test_no_process_can_be_started(probed):
    """No fork without a process: grant (RLIMIT_NPROC spares uid 0)."""
    escape, confinement, _ = probed
    seccomp = confinement["seccomp"]
    if not seccomp["applied"] and os.getuid() == 0:
        pytest.skip(
            f"no seccomp filter ({seccomp['reason']}), and RLIMIT_NPROC"
            " does not hold for uid 0"
        )

    if seccomp["applied"]:
        assert escape["forks"] == 0
    else:  # a user's limit: what it runs already, and a little more
        limit = confinement["limits"]["processes"]
        assert escape["process_limit"] == [limit, limit]


def test_files_beyond_its_folders_are_refused(probed):
    """Reading, listing and writing outside are refused; its own are not."""
    escape, confinement, _ = probed
    _landlock(confinement)

    assert escape["read_host_file"] == "PermissionError"
    assert escape["list_outside"] == "PermissionError"
    assert escape["write_outside"] == "PermissionError"
    assert escape["read_own_code"] == "done"
    assert escape["write_data"] == "done"


def test_the_worker_cannot_signal_the_host(probed):
    escape, confinement, _ = probed
    if not _landlock(confinement)["signals"]:
        pytest.skip("this kernel's Landlock does not scope signals (ABI < 6)")

    assert escape["signal_host"] == "PermissionError"


def test_no_sockets_without_a_network_grant(probed):
    escape, confinement, _ = probed
    _seccomp(confinement)

    assert escape["socket"] == "OSError"
    assert confinement["seccomp"]["sockets"] == []


def test_only_the_constructor_sends_a_test_escape(tmp_path, monkeypatch):
    """A test_escape key in the configuration never reaches the worker."""
    write_plugin(
        tmp_path / "plugins",
        "plain",
        PLUGIN,
        extra='isolation = "subprocess"\n',
    )

    def smuggling(config, **options):
        return _isolated.Worker(
            {**config, "test_escape": "result = 'ran'"}, **options
        )

    monkeypatch.setattr(_hostisolation, "Worker", smuggling)
    with PluginHost(
        [tmp_path / "plugins"],
        cache_dir=tmp_path / "cache",
        data_dir=tmp_path / "data",
        config_dir=tmp_path / "config",
    ) as host:
        assert host.state("plain") is State.ACTIVE
        worker = host._plugins.records["plain"].remote
        assert worker is not None
        assert "escape" not in worker.ready
