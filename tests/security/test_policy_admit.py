"""
``Policy.admit``: one pure verdict for install and load, from the
manifest, the install origin and the registry.
"""

import pytest

from acc_plugins.manifest import parse_manifest
from acc_plugins.market._origin import Origin
from acc_plugins.security import Policy, Verdict


SOURCE = "/etc/acc/policy.toml"
KEY = "0123456789abcdef"


def _manifest(name="code-tools", permissions=""):
    return parse_manifest(
        f"""
[plugin]
name = "{name}"
version = "1.2.0"
description = "A plugin."
entry = "main:Main"
kind = "tool"
{permissions}
"""
    )


def _policy(**tables):
    return Policy.from_dict(tables, source=SOURCE)


def _origin(
    source="registry:corp", publisher="acme", key_id=KEY, verified=True
):
    return Origin(
        "code-tools", "1.2.0", source, "0" * 64, publisher, key_id, verified
    )


LOCAL = None
UNSIGNED = _origin(
    source="/tmp/code-tools.accp", publisher=None, key_id=None, verified=False
)
SIGNED = _origin(verified=False)
VERIFIED = _origin()


@pytest.mark.parametrize(
    ("require", "origin", "admitted"),
    [
        ("none", LOCAL, True),
        ("none", UNSIGNED, True),
        ("signed", LOCAL, False),
        ("signed", UNSIGNED, False),
        ("signed", SIGNED, True),
        ("signed", VERIFIED, True),
        ("verified", LOCAL, False),
        ("verified", UNSIGNED, False),
        ("verified", SIGNED, False),
        ("verified", VERIFIED, True),
    ],
)
def test_signature_requirements_against_origins(require, origin, admitted):
    policy = _policy(signatures={"require": require})

    verdict = policy.admit(_manifest(), origin)

    assert verdict.allowed is admitted
    if not admitted:
        (reason,) = verdict.reasons
        assert reason.startswith(
            f'blocked by policy {SOURCE}: [signatures] require = "{require}"'
        )


def test_a_local_folder_is_named_as_such_in_the_reason():
    verdict = _policy(signatures={"require": "signed"}).admit(
        _manifest(), None
    )

    assert "it is a local folder" in verdict.reasons[0]


def test_an_unverified_key_is_named_in_the_reason():
    verdict = _policy(signatures={"require": "verified"}).admit(
        _manifest(), SIGNED
    )

    assert KEY in verdict.reasons[0]


def test_a_requested_permission_that_is_refused_blocks_the_plugin():
    policy = _policy(permissions={"refuse": ["process:*"], "deny": ["env:*"]})
    asks = _manifest(
        permissions='[permissions]\nprocess = ["git"]\nenvironment = ["HOME"]\n'
    )

    verdict = policy.admit(asks, None)

    assert not verdict.allowed
    (reason,) = verdict.reasons  # deny only drops the grant: no block
    assert reason == (
        f"blocked by policy {SOURCE}: [permissions] refuse matches "
        f"'process:*', and it requests 'process:git'"
    )
    assert not policy.permits("env:HOME")


def test_a_plugin_not_requesting_a_refused_permission_is_admitted():
    policy = _policy(permissions={"refuse": ["process:*"]})
    asks = _manifest(permissions='[permissions]\nenvironment = ["HOME"]\n')

    assert policy.admit(asks, None) == Verdict(allowed=True)


def test_a_block_by_publisher_names_the_rule_and_the_file():
    verdict = _policy(plugins={"block": ["publisher:acme"]}).admit(
        _manifest(), VERIFIED
    )

    assert verdict.reasons == (
        (
            f"blocked by policy {SOURCE}: [plugins] block matches "
            f"'publisher:acme'"
        ),
    )


def test_a_block_by_key_catches_a_renamed_plugin():
    policy = _policy(plugins={"block": [f"key:{KEY}"]})

    verdict = policy.admit(_manifest(name="innocent-name"), VERIFIED)

    assert not verdict.allowed


def test_an_allow_list_of_publishers_keeps_out_local_folders():
    policy = _policy(plugins={"allow": ["publisher:acme"]})

    assert policy.admit(_manifest(), VERIFIED).allowed
    assert not policy.admit(_manifest(), None).allowed
    assert not policy.admit(_manifest(), UNSIGNED).allowed


@pytest.mark.parametrize(
    ("allow", "registry", "location", "admitted"),
    [
        (["corp"], "corp", None, True),
        (["corp"], "other", None, False),
        (["co*"], "corp", None, True),
        (
            ["https://plugins.corp.example/*"],
            "corp",
            "https://plugins.corp.example/main",
            True,
        ),
        (
            ["https://plugins.corp.example/*"],
            "corp",
            "https://evil.example/main",
            False,
        ),
        # A user's label is not where plugins come from.
        (["https://plugins.corp.example/*"], "corp", None, False),
        (
            ["https://plugins.corp.example"],
            "x",
            "https://plugins.corp.example/",
            True,
        ),
        (["/srv/registries/*"], "team", "/srv/registries/team", True),
        (["/srv/registries/*"], "team", "/home/me/registry", False),
        # Attacks on the location: each is refused.
        (
            ["/srv/registries/*"],
            "team",
            "/srv/registries/../../home/me",
            False,
        ),
        (
            ["https://cdn.example/corp/*"],
            "c",
            "https://cdn.example/corp/../x",
            False,
        ),
        (
            ["https://corp.example/*"],
            "c",
            "https://corp.example@evil.example/x",
            False,
        ),
        (
            ["https://corp.example*"],
            "c",
            "https://corp.example@evil.example/x",
            False,
        ),
        (
            ["https://corp.example/*"],
            "c",
            "https://corp.example\\@evil.example/x",
            False,
        ),
        # Spelling that means the same place: admitted.
        (["https://corp.example/*"], "c", "HTTPS://Corp.Example/main/", True),
        (["/srv/registries/*"], "team", "/srv/registries/./team/", True),
    ],
)
def test_registries_by_name_or_location(allow, registry, location, admitted):
    policy = _policy(registries={"allow": allow})

    verdict = policy.admit(_manifest(), VERIFIED, registry, location=location)

    assert verdict.allowed is admitted
    assert policy.allows_registry(registry, location).allowed is admitted


def test_the_registry_defaults_to_the_one_the_origin_names():
    policy = _policy(registries={"allow": ["corp"]})

    assert policy.admit(_manifest(), VERIFIED).allowed  # registry:corp
    assert not policy.admit(_manifest(), _origin(source="registry:x")).allowed
    # A folder or an archive file is not a registry: the rule is silent.
    assert policy.admit(_manifest(), UNSIGNED).allowed
    assert policy.admit(_manifest(), None).allowed


def test_report_only_allows_and_says_what_it_would_block():
    policy = _policy(
        mode="report-only",
        plugins={"block": ["code-*"]},
        signatures={"require": "signed"},
    )

    verdict = policy.admit(_manifest(), None)

    assert verdict.allowed
    assert verdict.report_only
    assert verdict.would_block
    assert len(verdict.reasons) == 2
    assert all(
        r.startswith(f"would be blocked by policy {SOURCE} (report-only): ")
        for r in verdict.reasons
    )


def test_a_required_plugin_cannot_be_disabled_unless_report_only():
    enforced = _policy(plugins={"required": ["code-tools>=1"]})
    trial = _policy(mode="report-only", plugins={"required": ["code-tools"]})

    assert not enforced.may_disable("code-tools").allowed
    assert (
        "[plugins] required lists 'code-tools>=1'"
        in (enforced.may_disable("code-tools").reasons[0])
    )
    assert enforced.may_disable("other").allowed
    assert trial.may_disable("code-tools").allowed
    assert trial.may_disable("code-tools").would_block


def test_a_recommended_plugin_may_be_disabled():
    policy = _policy(plugins={"recommended": ["code-tools"]})

    assert policy.may_disable("code-tools") == Verdict(allowed=True)
    assert [r.name for r in policy.recommended] == ["code-tools"]
