"""
The policy at every load: a plugin installed before a policy change is
blocked at its next load, report-only loads it and audits, required
plugins stay enabled, and nothing a plugin does gets it past the gate.
"""

import json
import logging
from typing import Any

import pytest
from tests.host.test_host import BOTH_TIERS, started_host, write_plugin

from acc_plugins.errors import LoadError, PolicyBlockedError, ReloadError
from acc_plugins.host import State
from acc_plugins.market._keys import PublicKey, generate_private_key
from acc_plugins.market._origin import ORIGIN_FILE, Origin, write_origin
from acc_plugins.market._registries import Registries
from acc_plugins.security import AuditKind, Policy


PING = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def ping(self) -> str:
        return "pong"
"""
KEY = "0123456789abcdef"


def _policy(tmp_path, text):
    path = tmp_path / "policy.toml"
    path.write_text(text)
    return Policy.load(path)


def _install(tmp_path, name="code-tools", extra="", **origin):
    """A plugin folder as the installer leaves it: with its origin."""
    folder = write_plugin(tmp_path / "plugins", name, PING, extra=extra)
    fields: dict[str, Any] = {
        "source": "registry:corp",
        "sha256": "0" * 64,
        "publisher": "acme",
        "key_id": KEY,
        "verified": True,
    }
    write_origin(folder, Origin(name, "1.0.0", **(fields | origin)))
    return folder


def _policy_entries(host, name):
    return [
        e.detail
        for e in host.audit_log.entries(plugin=name, kind=AuditKind.POLICY)
    ]


@BOTH_TIERS
def test_an_installed_plugin_is_blocked_at_its_next_load(tmp_path, isolation):
    _install(tmp_path, extra=f"{isolation}")
    host = started_host(tmp_path)
    try:
        assert host.call_tool("code-tools.ping") == "pong"
    finally:
        host.stop()
    policy = _policy(tmp_path, '[plugins]\nblock = ["publisher:acme"]\n')

    host = started_host(tmp_path, policy=policy)
    try:
        info = host.info("code-tools")
        assert info.state is State.ERROR
        assert str(info.last_error).startswith(
            f"blocked by policy {policy.source}: [plugins] block matches "
            f"'publisher:acme'"
        )
        assert host._plugins.records["code-tools"].remote is None  # no worker
        (entry,) = _policy_entries(host, "code-tools")
        assert entry["outcome"] == "blocked"
        assert entry["policy"] == policy.source
    finally:
        host.stop()


def test_report_only_loads_the_plugin_and_audits_the_would_be_block(
    tmp_path, caplog
):
    _install(tmp_path)
    policy = _policy(
        tmp_path,
        'mode = "report-only"\n[plugins]\nblock = ["publisher:acme"]\n',
    )

    with caplog.at_level(logging.WARNING, logger="acc_plugins.host"):
        host = started_host(tmp_path, policy=policy)
    try:
        assert host.call_tool("code-tools.ping") == "pong"
        (entry,) = _policy_entries(host, "code-tools")
        assert entry["outcome"] == "would block"
        assert entry["reasons"] == [
            (
                f"would be blocked by policy {policy.source} (report-only): "
                f"[plugins] block matches 'publisher:acme'"
            )
        ]
        assert "would be blocked by policy" in caplog.text
    finally:
        host.stop()


def test_a_plugin_requesting_a_refused_permission_is_blocked(tmp_path):
    write_plugin(
        tmp_path / "plugins",
        "envy",
        PING,
        extra='[permissions]\nenvironment = ["HOME"]\n',
    )
    write_plugin(tmp_path / "plugins", "plain", PING)
    policy = _policy(tmp_path, '[permissions]\nrefuse = ["env:*"]\n')

    host = started_host(tmp_path, policy=policy)
    try:
        assert host.state("envy") is State.ERROR
        assert "refuse matches 'env:*', and it requests 'env:HOME'" in str(
            host.info("envy").last_error
        )
        assert host.call_tool("plain.ping") == "pong"
    finally:
        host.stop()


def test_a_reload_that_asks_for_a_refused_permission_is_refused(tmp_path):
    folder = write_plugin(tmp_path / "plugins", "plain", PING)
    policy = _policy(tmp_path, '[permissions]\nrefuse = ["env:*"]\n')
    host = started_host(tmp_path, policy=policy)
    try:
        manifest = folder / "plugin.toml"
        manifest.write_text(
            manifest.read_text() + '[permissions]\nenvironment = ["HOME"]\n'
        )
        with pytest.raises(ReloadError, match="refuse matches 'env:\\*'"):
            host.reload("plain")
        assert host.call_tool("plain.ping") == "pong"  # the old one serves
    finally:
        host.stop()


def test_a_blocked_plugin_stays_blocked_on_restart(tmp_path):
    _install(tmp_path)
    policy = _policy(tmp_path, f'[plugins]\nblock = ["key:{KEY}"]\n')
    host = started_host(tmp_path, policy=policy)
    try:
        with pytest.raises(LoadError, match=f"block matches 'key:{KEY}'"):
            host.restart("code-tools")
        assert host.state("code-tools") is State.ERROR
    finally:
        host.stop()


@pytest.mark.parametrize(
    ("require", "origin", "state"),
    [
        ("signed", None, State.ERROR),
        ("signed", {"key_id": None, "publisher": None}, State.ERROR),
        ("signed", {"verified": False}, State.ACTIVE),
        ("verified", {"verified": False}, State.ERROR),
        ("verified", {}, State.ACTIVE),
    ],
)
def test_signature_requirements_at_load(tmp_path, require, origin, state):
    if origin is None:  # a local folder, never installed
        write_plugin(tmp_path / "plugins", "code-tools", PING)
    else:
        _install(tmp_path, **origin)
    policy = _policy(tmp_path, f'[signatures]\nrequire = "{require}"\n')

    host = started_host(tmp_path, policy=policy)
    try:
        assert host.state("code-tools") is state
    finally:
        host.stop()


@pytest.mark.parametrize(
    "damage",
    ["{", '{"name": 1}', json.dumps({"name": "x", "evil": True}), "x" * 70000],
)
def test_a_damaged_origin_fails_closed(tmp_path, damage):
    """A forged or broken origin cannot hide a blocked publisher."""
    folder = _install(tmp_path)
    (folder / ORIGIN_FILE).write_text(damage)
    policy = _policy(tmp_path, '[plugins]\nblock = ["publisher:acme"]\n')

    host = started_host(tmp_path, policy=policy)
    try:
        assert host.state("code-tools") is State.ERROR
        assert "install origin cannot be read" in str(
            host.info("code-tools").last_error
        )
    finally:
        host.stop()


def test_without_admission_rules_no_origin_is_read(tmp_path):
    """A policy that keeps nothing out does not fail on a damaged origin."""
    folder = _install(tmp_path)
    (folder / ORIGIN_FILE).write_text("{")

    host = started_host(tmp_path, policy=_policy(tmp_path, "[scan]\n"))
    try:
        assert host.call_tool("code-tools.ping") == "pong"
    finally:
        host.stop()


def test_a_registry_location_rule_reads_the_users_registries(tmp_path):
    _install(tmp_path, name="good", source="registry:corp")
    _install(tmp_path, name="bad", source="registry:mirror")
    key = PublicKey.of(generate_private_key())
    registries = Registries(tmp_path / "config" / "registries.json")
    registries.add("corp", "https://plugins.corp.example/main", key)
    registries.add("mirror", "https://evil.example/corp", key)
    policy = _policy(
        tmp_path, '[registries]\nallow = ["https://plugins.corp.example/*"]\n'
    )

    host = started_host(tmp_path, policy=policy)
    try:
        assert host.state("good") is State.ACTIVE
        assert host.state("bad") is State.ERROR
        assert "https://evil.example/corp" in str(host.info("bad").last_error)
    finally:
        host.stop()


def _disabled(tmp_path, name, policy_text):
    """A host started with *name* disabled in the user's config.toml."""
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir()
    config.write_text(f"[plugins.{name}]\nenabled = false\n")
    return started_host(
        tmp_path, policy=_policy(tmp_path, policy_text)
    ), config


def test_a_required_plugin_stays_enabled_and_cannot_be_disabled(tmp_path):
    write_plugin(tmp_path / "plugins", "audit-log", PING)
    host, config = _disabled(
        tmp_path, "audit-log", '[plugins]\nrequired = ["audit-log"]\n'
    )
    try:
        assert host.state("audit-log") is State.ACTIVE
        with pytest.raises(PolicyBlockedError, match="required lists"):
            host.set_enabled("audit-log", False)
        assert host.state("audit-log") is State.ACTIVE
        assert config.read_text() == "[plugins.audit-log]\nenabled = false\n"
    finally:
        host.stop()


def test_a_recommended_plugin_may_be_disabled(tmp_path):
    write_plugin(tmp_path / "plugins", "text-tools", PING)
    policy = _policy(tmp_path, '[plugins]\nrecommended = ["text-tools"]\n')

    host = started_host(tmp_path, policy=policy)
    try:
        host.set_enabled("text-tools", False)
        assert host.state("text-tools") is State.DEACTIVATED
    finally:
        host.stop()


def test_a_missing_required_plugin_is_a_warning(tmp_path, caplog):
    write_plugin(tmp_path / "plugins", "audit-log", PING)
    policy = _policy(
        tmp_path, '[plugins]\nrequired = ["audit-log>=2", "secret-scan"]\n'
    )

    with caplog.at_level(logging.WARNING, logger="acc_plugins.host"):
        host = started_host(tmp_path, policy=policy)
    host.stop()

    assert "requires 'secret-scan', and it is not installed" in caplog.text
    assert "requires 'audit-log>=2', and 1.0.0 is installed" in caplog.text


@BOTH_TIERS
def test_enabling_a_plugin_disabled_at_start_passes_the_gate(
    tmp_path, isolation
):
    """A plugin never loaded at start is judged when it is enabled."""
    _install(tmp_path, extra=isolation)
    host, _ = _disabled(
        tmp_path, "code-tools", '[plugins]\nblock = ["publisher:acme"]\n'
    )
    try:
        assert host.state("code-tools") is State.DEACTIVATED

        with pytest.raises(LoadError, match="block matches 'publisher:acme'"):
            host.set_enabled("code-tools", True)

        assert host._plugins.records["code-tools"].remote is None
        assert host.state("code-tools") is not State.ACTIVE
    finally:
        host.stop()
