"""
The policy file's new tables: every malformed one is one clear error
naming the file and the key, and a good one reads back as it was written.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.errors import PolicyError
from acc_plugins.security import Policy, Signatures


FULL = """\
mode = "report-only"

[plugins]
allow = ["code-*", "publisher:acme", "key:0123456789abcdef"]
block = ["code-evil", "publisher:shady-*"]
required = ["audit-log", { plugin = "code-review>=2.1", registry = "corp" }]
recommended = ["text-tools==1.4.0"]

[registries]
allow = ["corp", "https://plugins.corp.example/*", "/srv/registries/*"]

[signatures]
require = "verified"

[permissions]
deny = ["net:*"]
refuse = ["process:*"]
"""


def _load(tmp_path, text):
    path = tmp_path / "policy.toml"
    path.write_text(text)
    return Policy.load(path), path


def test_every_new_table_is_read(tmp_path):
    policy, path = _load(tmp_path, FULL)

    data = policy.to_json()

    assert policy.report_only
    assert policy.signatures is Signatures.VERIFIED
    assert data["source"] == str(path)
    assert data["mode"] == "report-only"
    assert data["plugins"] == {
        "allow": ["code-*", "publisher:acme", "key:0123456789abcdef"],
        "block": ["code-evil", "publisher:shady-*"],
        "required": [
            {"plugin": "audit-log", "registry": None},
            {"plugin": "code-review>=2.1", "registry": "corp"},
        ],
        "recommended": [{"plugin": "text-tools==1.4.0", "registry": None}],
    }
    assert data["registries"]["allow"][1] == "https://plugins.corp.example/*"
    assert data["permissions"] == {
        "allow": None,
        "deny": ["net:*"],
        "refuse": ["process:*"],
    }
    assert [r.text for r in policy.required] == [
        "audit-log",
        "code-review>=2.1",
    ]


def test_the_default_policy_blocks_nothing_and_requires_nothing():
    policy = Policy()

    assert not policy.governs_admission
    assert policy.to_json()["mode"] == "enforce"
    assert policy.to_json()["plugins"]["allow"] is None
    assert policy.required == ()


MALFORMED = [
    ('mode = "strict"\n', "mode: 'strict' is not one of 'enforce'"),
    ("mode = 1\n", "mode: 1 is not one of"),
    ('plugins = "all"\n', "plugins: must be a table"),
    ("[plugins]\nallow = 'x'\n", "plugins.allow: must be a list"),
    ("[plugins]\nblok = ['x']\n", "plugins.blok: unknown key"),
    ("[plugins]\nblock = ['vendor:x']\n", "plugins.block[0]: 'vendor:x'"),
    ("[plugins]\nallow = ['ok', 'key:12']\n", "plugins.allow[1]: 'key:12'"),
    ("[plugins]\nrequired = 'x'\n", "plugins.required: must be a list"),
    ("[plugins]\nrequired = ['x>>1']\n", "plugins.required[0]: 'x>>1'"),
    ("[plugins]\nrequired = ['x', 'x==1']\n", "plugins.required[1]: 'x'"),
    (
        "[plugins]\nrequired = ['x']\nrecommended = ['x']\n",
        "plugins.recommended: 'x' is required too",
    ),
    (
        "[plugins]\nrequired = ['code-x']\nblock = ['code-*']\n",
        "plugins.required: 'code-x' is also blocked, by 'code-*'",
    ),
    ("[registries]\nallow = 'corp'\n", "registries.allow: must be a list"),
    ("[registries]\nallow = ['x/y']\n", "registries.allow[0]: 'x/y'"),
    ("[registries]\nallow = ['Corp']\n", "registries.allow[0]: 'Corp'"),
    ("[registries]\nonly = []\n", "registries.only: unknown key"),
    ("[signatures]\nrequire = true\n", "signatures.require: True is not"),
    ("[signatures]\nrequire = 'trusted'\n", "signatures.require: 'trusted'"),
    ("[permissions]\nrefuse = [1]\n", "permissions.refuse: must be a list"),
    ("[permissions]\nrefuse = ['']\n", "permissions.refuse: must be a list"),
]


@pytest.mark.parametrize(("text", "expected"), MALFORMED)
def test_a_malformed_table_is_one_error_naming_file_and_key(
    tmp_path, text, expected
):
    path = tmp_path / "policy.toml"
    path.write_text(text)

    with pytest.raises(PolicyError) as caught:
        Policy.load(path)

    assert caught.value.path == str(path)
    assert len(caught.value.problems) == 1, caught.value.problems
    assert expected in caught.value.problems[0]
    assert str(caught.value).startswith(f"{path}: ")


def test_every_problem_of_a_file_is_named_at_once(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text(
        "".join(text for text, _ in MALFORMED[:2]).replace("mode = 1\n", "")
        + "[plugins]\nblock = ['vendor:x']\n[signatures]\nrequire = 'x'\n"
    )

    with pytest.raises(PolicyError) as caught:
        Policy.load(path)

    assert len(caught.value.problems) == 3


def test_a_policy_that_cannot_be_read_is_an_error_not_no_policy(tmp_path):
    with pytest.raises(PolicyError, match="cannot be read"):
        Policy.load(tmp_path / "missing.toml")


@given(
    data=st.dictionaries(
        st.sampled_from(
            ["mode", "plugins", "registries", "signatures", "permissions"]
        ),
        st.one_of(
            st.text(max_size=5),
            st.integers(),
            st.lists(st.text(max_size=5), max_size=3),
            st.dictionaries(
                st.sampled_from(
                    ["allow", "block", "required", "require", "refuse", "x"]
                ),
                st.one_of(
                    st.text(max_size=8),
                    st.lists(
                        st.one_of(
                            st.text(max_size=12),
                            st.integers(),
                            st.dictionaries(
                                st.sampled_from(["plugin", "registry"]),
                                st.text(max_size=8),
                            ),
                        ),
                        max_size=3,
                    ),
                ),
                max_size=3,
            ),
        ),
        max_size=4,
    )
)
def test_any_data_gives_a_policy_or_a_policy_error(data):
    """Arbitrary tables never raise anything but PolicyError."""
    outcome = _outcome(data)

    assert isinstance(outcome, Policy) or all(p.split(":")[0] for p in outcome)


def _outcome(data):
    try:
        return Policy.from_dict(data, source="p.toml")
    except PolicyError as exc:
        assert exc.problems  # noqa: PT017 -- a property over many inputs
        return exc.problems
