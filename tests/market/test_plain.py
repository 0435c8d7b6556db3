"""
Permissions in words: each kind says what it lets a plugin do, and how
far it reaches.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.market._plain import plain


@pytest.mark.parametrize(
    ("permission", "words"),
    [
        (
            "fs:read:${workspace}/src/**",
            "read files in src/** of the workspace",
        ),
        ("fs:write:${data}/**", "create and change any file in its own data"),
        (
            "net:https://api.example.org",
            "connect to api.example.org over HTTPS",
        ),
        (
            "net:http://*.example.org:8080",
            "example.org and any of its subdomains over plain HTTP, port 8080",
        ),
        ("env:CI", "read the environment variable CI"),
        ("env:ACC_*", "variables starting with ACC_"),
        ("process:git", "run the program git"),
        ("host:claude.query", "send prompts to Claude"),
        ("host:tools:other.*", "call the tool other.* of another plugin"),
    ],
)
def test_each_kind_in_words(permission: str, words: str) -> None:
    assert words in plain(permission)


@given(st.text(min_size=1, max_size=40))
def test_never_fails_and_unknown_text_is_shown_as_is(text: str) -> None:
    described = plain(text)
    assert isinstance(described, str)
    assert described
    if not text.startswith(("fs:", "net:", "env:", "process:", "host:")):
        assert described == text
