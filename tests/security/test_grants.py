"""
Tests for the permission checks that capabilities run.
"""

import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.errors import PermissionDenied
from acc_plugins.manifest import parse_permission
from acc_plugins.security import _paths
from acc_plugins.security._grants import Grants, Roots


CAFE_NFC = unicodedata.normalize("NFC", "caf\u00e9")
CAFE_NFD = unicodedata.normalize("NFD", "caf\u00e9")

# name -> target, created in ${workspace}/public.
SYMLINKS = {
    "to_private": "../private",
    "to_outside": "../../outside",
    "to_sub": "sub",
    "to_ws": "..",
    "to_root_file": "/etc/hostname",
    "dangling_out": "../../outside/new.txt",
    "dangling_in": "sub/new.txt",
    "loop": "loop",
}
SEGMENTS = (
    "",
    ".",
    "..",
    "public",
    "Public",
    "PUBLIC",
    "private",
    "outside",
    "ws",
    "sub",
    "a.txt",
    "new",
    CAFE_NFC,
    CAFE_NFD,
    *SYMLINKS,
)


@pytest.fixture(name="tree", scope="module")
def _tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """
    A workspace with a public and a private part, symlinks in and out.
    """
    base = tmp_path_factory.mktemp("grants")
    for folder in (
        "outside/dir",
        "ws/public/sub",
        f"ws/public/{CAFE_NFC}",
        "ws/private",
        "plugin",
        "data",
    ):
        (base / folder).mkdir(parents=True)
    for file in ("outside/secret.txt", "ws/public/a.txt", "ws/private/p"):
        (base / file).write_text("x")
    for name, target in SYMLINKS.items():
        (base / "ws/public" / name).symlink_to(target)
    return base


@pytest.fixture(name="roots", scope="module")
def _roots(tree: Path) -> Roots:
    return Roots(tree / "ws", tree / "plugin", tree / "data")


def grants(roots: Roots, *texts: str) -> Grants:
    return Grants.from_permissions(
        [parse_permission(text) for text in texts], roots, plugin="demo"
    )


def inside(path: str, root: Path) -> bool:
    real = os.path.realpath(root)
    return os.path.commonpath([path, real]) == real


# Most paths start in the granted folder, so that both verdicts come up.
relative_paths = st.tuples(
    st.sampled_from([[], ["public"], ["public"], ["public", "sub"]]),
    st.lists(st.sampled_from(SEGMENTS), max_size=6),
    st.sampled_from(["/", "\\"]),
).map(lambda parts: parts[2].join(parts[0] + parts[1]))


@given(text=relative_paths, absolute=st.booleans())
def test_path_outside_the_grant_is_never_allowed(roots, text, absolute):
    """
    A path is allowed exactly when its canonical form lies in the grant.
    """
    if roots.case_insensitive:
        pytest.skip("the oracle below compares case-sensitively")
    granted = grants(roots, "fs:read:${workspace}/public/**")
    path = f"{roots.workspace}/{text}" if absolute else text
    expected = os.path.realpath(
        roots.workspace / unicodedata.normalize("NFC", path)
    )

    try:
        actual: Path | Exception = granted.check_path(path, "read")
    except (PermissionDenied, ValueError) as exc:
        actual = exc

    if isinstance(actual, PermissionDenied):
        assert not inside(expected, roots.workspace / "public")
    elif isinstance(actual, ValueError):
        assert "does not exist yet" in str(actual) or not path
    else:
        assert inside(str(actual), roots.workspace / "public")
        assert str(actual) == expected


# Steps from ${workspace}/public back to it, and last steps below it.
round_trips = st.sampled_from(
    ["", ".", "sub/..", "to_sub/..", f"{CAFE_NFD}/..", f"{CAFE_NFC}/./.."]
)
last_steps = st.sampled_from(
    ["", "a.txt", "sub", "to_sub/new", f"{CAFE_NFD}/new", "new/newer", "."]
)


@given(
    parts=st.lists(round_trips, max_size=5),
    last=last_steps,
    separator=st.sampled_from(["/", "//"]),
)
def test_path_inside_a_globstar_grant_is_allowed(
    roots, parts, last, separator
):
    """
    Every path that stays below ``public`` is allowed by ``public/**``.
    """
    granted = grants(roots, "fs:write:${workspace}/public/**")
    text = separator.join(["public", *parts, last])

    actual = granted.check_path(text, "write")

    expected = os.path.realpath(
        roots.workspace / unicodedata.normalize("NFC", text)
    )
    assert str(actual) == expected


@pytest.mark.parametrize(
    "text",
    [
        "public/to_private/p",
        "public/to_outside/secret.txt",
        "public/to_ws/private/p",
        "public/to_root_file",
        "public/dangling_out",
        "public/../private/p",
        "public/sub/../../private/p",
        "public/to_sub/../../private/p",
    ],
)
def test_symlink_and_dotdot_escapes_are_refused(roots, text):
    """
    Symlinks and ``..`` are resolved before the grant is matched.
    """
    granted = grants(
        roots,
        "fs:read:${workspace}/public/**",
        "fs:write:${workspace}/public/**",
    )

    for access in ("read", "write"):
        with pytest.raises(PermissionDenied):
            granted.check_path(text, access)


def test_symlink_inside_the_grant_resolves_to_its_target(roots):
    """
    The returned path is the symlink's target, which the capability uses.
    """
    granted = grants(roots, "fs:write:${workspace}/public/**")

    assert roots.workspace / "public/sub/new.txt" == granted.check_path(
        "public/dangling_in", "write"
    )


def test_nfd_names_are_matched_and_returned_in_nfc(roots):
    """
    A name written decomposed reaches the directory stored composed.
    """
    granted = grants(roots, "fs:read:${workspace}/public/caf?/**")

    actual = granted.check_path(f"public/{CAFE_NFD}/x", "read")

    assert roots.workspace / "public" / CAFE_NFC / "x" == actual


def test_case_variant_is_another_path_on_a_case_sensitive_fs(roots):
    """
    ``PUBLIC`` is not ``public`` where the filesystem tells them apart.
    """
    if roots.case_insensitive:
        pytest.skip("case-insensitive filesystem")
    granted = grants(roots, "fs:read:${workspace}/public/**")

    with pytest.raises(PermissionDenied, match=r"\$\{workspace\}/PUBLIC/a"):
        granted.check_path("PUBLIC/a.txt", "read")


def test_case_detection_agrees_with_stat(tree):
    """
    Case-insensitivity is what stat says of a case-swapped name.
    """
    swapped = tree.with_name(tree.name.swapcase())
    expected = swapped.exists() and tree.samefile(swapped)

    assert expected == _paths.is_case_insensitive(tree)


def test_case_insensitive_root_match_needs_the_filesystem_to_agree(tree):
    """
    A case-folded root prefix counts only if it is the same directory.
    """
    root = str(tree / "ws")
    upper = str(tree / "WS" / "x")

    assert (f"{root}/x", "x") == _paths.relative_to_root(
        f"{root}/x", root, case_insensitive=True
    )
    assert (
        _paths.relative_to_root(upper, root, case_insensitive=True)
        == (f"{root}/x", "x")
    ) == _paths.is_case_insensitive(tree / "ws")


def test_write_does_not_imply_read(roots):
    """
    A write grant leaves reading denied, naming the read permission.
    """
    granted = grants(roots, "fs:write:${workspace}/notes/**")

    assert roots.workspace / "notes/todo.txt" == granted.check_path(
        "notes/todo.txt", "write"
    )
    with pytest.raises(PermissionDenied) as info:
        granted.check_path("notes/todo.txt", "read")
    assert info.value.permission == "fs:read:${workspace}/notes/todo.txt"
    assert info.value.plugin == "demo"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("my notes/todo.txt", "fs:read:${workspace}/my?notes/todo.txt"),
        (f"{CAFE_NFD}.md", "fs:read:${workspace}/caf?.md"),
        ("a*b[1]", "fs:read:${workspace}/a?b?1?"),
        (".", "fs:read:${workspace}"),
    ],
)
def test_denied_path_names_the_narrowest_valid_permission(
    roots, path, expected
):
    """
    The missing permission parses, and covers exactly the path's name.
    """
    with pytest.raises(PermissionDenied) as info:
        grants(roots).check_path(path, "read")

    assert expected == info.value.permission
    assert expected == parse_permission(expected).canonical


def test_denied_path_in_a_nested_root_names_that_root(roots, tree):
    """
    The deepest root that holds the path names the permission.
    """
    nested = Roots(tree, tree / "plugin", tree / "data")

    with pytest.raises(PermissionDenied) as info:
        grants(nested).check_path(tree / "data" / "cache", "write")

    assert info.value.permission == "fs:write:${data}/cache"


def test_path_outside_every_root_is_named_as_given(roots):
    """
    No permission can reach outside the roots; the message says so.
    """
    with pytest.raises(PermissionDenied) as info:
        grants(roots, "fs:read:${workspace}").check_path("../x", "read")

    assert info.value.permission == (
        "fs:read:../x (outside ${workspace}, ${plugin} and ${data}:"
        " no root contains it)"
    )


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("", ValueError),
        ("a\x00b", ValueError),
        (b"a", TypeError),
        (None, TypeError),
        ("new/../a", ValueError),
    ],
)
def test_malformed_paths_are_refused(roots, path, error):
    """
    Empty, NUL, non-text paths and '..' below missing dirs are caller bugs.
    """
    with pytest.raises(error):
        grants(roots, "fs:read:${workspace}").check_path(path, "read")


def test_other_roots_and_the_root_itself(roots):
    """
    Each root answers to its own grants; an empty pattern is the whole root.
    """
    granted = grants(roots, "fs:read:${data}", "fs:write:${plugin}/*.py")

    assert roots.data == granted.check_path(roots.data, "read")
    assert roots.data / "a/b" == granted.check_path(roots.data / "a/b", "read")
    assert roots.plugin / "m.py" == granted.check_path(
        roots.plugin / "m.py", "write"
    )
    with pytest.raises(PermissionDenied):
        granted.check_path(roots.plugin / "m.py", "read")


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("", "", True),
        ("", "a/b/c", True),
        ("**", "", True),
        ("**", "a/b", True),
        ("src/**", "src", True),
        ("src/**", "src/a/b.py", True),
        ("src/**", "srcx/a", False),
        ("src/**/*.py", "src/m.py", True),
        ("src/**/*.py", "src/a/b/m.py", True),
        ("src/**/*.py", "src/a/m.pyc", False),
        ("*.py", "m.py", True),
        ("*.py", "a/m.py", False),
        ("*.py", ".py", True),
        ("a/*/c", "a/b/c", True),
        ("a/*/c", "a/b/x/c", False),
        ("a/**/c", "a/c", True),
        ("a/**/c", "a/b/x/c", True),
        ("?.txt", "a.txt", True),
        ("?.txt", "ab.txt", False),
        ("?.txt", f"{CAFE_NFC[-1]}.txt", True),
        ("a", "a/b", False),
        ("a", "A", False),
        ("x", "[x]", False),
        ("a?b?1?", "a[b]1]", True),
    ],
)
def test_glob_semantics(pattern, path, expected):
    """
    ``**`` is whole segments, ``*`` and ``?`` stay in one, ``[`` is literal.
    """
    assert expected == _paths.glob_matches(
        pattern, path, case_insensitive=False
    )


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("Src/*.PY", "src/m.py", True),
        ("key", "KEY", True),
        # The Kelvin sign folds to 'k' in Unicode, not on filesystems.
        ("key", "\u212aey", False),
    ],
)
def test_case_insensitive_glob_folds_ascii_only(pattern, path, expected):
    """
    On a case-insensitive root only ASCII letters match either case.
    """
    assert expected == _paths.glob_matches(
        pattern, path, case_insensitive=True
    )


def test_roots_must_be_absolute(tree):
    """
    Relative roots are refused; absolute ones are resolved.
    """
    with pytest.raises(ValueError, match="absolute"):
        Roots("ws", tree, tree)

    roots = Roots(tree / "ws/public/to_sub", tree / "x/..", tree)

    assert tree / "ws/public/sub" == roots.workspace
    assert tree == roots.plugin


NET = (
    "net:https://*.example.com",
    "net:https://api.example.org",
    "net:http://localhost:8080",
    "net:https://10.0.0.1",
    "net:https://xn--bcher-kva.de",
    "net:http://plain.example.net:81",
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example.com/x?q=1#frag", "https://a.example.com/x?q=1"),
        ("https://A.B.Example.COM", "https://a.b.example.com/"),
        ("HTTPS://api.example.org:443/p", "https://api.example.org/p"),
        ("https://api.example.org./p", "https://api.example.org/p"),
        ("http://localhost:8080/", "http://localhost:8080/"),
        ("https://10.0.0.1/", "https://10.0.0.1/"),
        ("https://bücher.de/", "https://xn--bcher-kva.de/"),
        ("https://BÜCHER.de/", "https://xn--bcher-kva.de/"),
        ("http://plain.example.net:81/", "http://plain.example.net:81/"),
    ],
)
def test_allowed_urls_are_normalised(roots, url, expected):
    """
    Granted URLs come back lowercased, IDNA-encoded, default port dropped.
    """
    assert expected == grants(roots, *NET).check_url(url)


@pytest.mark.parametrize(
    ("url", "missing"),
    [
        ("https://example.com/", "net:https://example.com"),
        ("https://a.example.com:8443/", "net:https://a.example.com:8443"),
        ("http://a.example.com/", "net:http://a.example.com"),
        (
            "https://api.example.org.evil.io/",
            "net:https://api.example.org.evil.io",
        ),
        ("https://evilexample.com/", "net:https://evilexample.com"),
        ("http://localhost/", "net:http://localhost"),
        ("http://localhost:8081/", "net:http://localhost:8081"),
        ("https://127.0.0.1/", "net:https://127.0.0.1"),
        ("https://10.0.0.1:8443/", "net:https://10.0.0.1:8443"),
        ("https://sub.localhost/", "net:https://sub.localhost"),
        ("https://plain.example.net/", "net:https://plain.example.net"),
        ("http://plain.example.net/", "net:http://plain.example.net"),
    ],
)
def test_ungranted_urls_name_the_permission(roots, url, missing):
    """
    Wildcards skip the bare domain; scheme and port must match too.
    """
    with pytest.raises(PermissionDenied) as info:
        grants(roots, *NET).check_url(url)

    assert missing == info.value.permission


@pytest.mark.parametrize(
    "url",
    [
        "ftp://a.example.com/",
        "file:///etc/passwd",
        "a.example.com/path",
        "https://",
        "https://user@a.example.com/",
        "https://user:pw@a.example.com/",
        "https://evil.io\\@a.example.com/",
        "https://a.example.com /",
        "https://a.example.com\n/",
        "https://[::1]/",
        "https://127.1/",
        "https://0x7f.0.0.1/",
        "https://2130706433/",
        "https://a.example.com:0/",
        "https://a.example.com:99999/",
        "https://a.example.com:x/",
        "https://%61.example.com/",
        "https://a..example.com/",
    ],
)
def test_malformed_urls_are_refused(roots, url):
    """
    No grant can allow these, so they are refused outright.
    """
    with pytest.raises(ValueError):
        grants(roots, *NET).check_url(url)


def test_url_must_be_text(roots):
    """
    Bytes are not a URL.
    """
    with pytest.raises(TypeError):
        grants(roots, *NET).check_url(b"https://a.example.com")  # type: ignore[arg-type]


def test_environment_names_and_prefixes(roots):
    """
    A name grant is exact; a prefix grant covers every name it starts.
    """
    granted = grants(roots, "env:GITHUB_TOKEN", "env:ACC_*")

    assert granted.check_env("GITHUB_TOKEN") == "GITHUB_TOKEN"
    assert granted.check_env("ACC_") == "ACC_"
    assert granted.check_env("ACC_HOME") == "ACC_HOME"
    for name in ("GITHUB_TOKENS", "GITHUB", "ACC", "acc_home", "PATH"):
        with pytest.raises(PermissionDenied) as info:
            granted.check_env(name)
        assert f"env:{name}" == info.value.permission
    with pytest.raises(TypeError):
        granted.check_env(None)  # type: ignore[arg-type]


def test_commands(roots):
    """
    argv[0] must be a granted name, never a path; the result is a copy.
    """
    granted = grants(roots, "process:git")
    argv = ["git", "status"]

    actual = granted.check_command(argv)

    assert actual == ["git", "status"]
    assert actual is not argv
    with pytest.raises(PermissionDenied) as info:
        granted.check_command(["rm", "-rf", "/"])
    assert info.value.permission == "process:rm"
    for bad, error in (
        (["/usr/bin/git"], ValueError),
        (["./git"], ValueError),
        (["bin\\git"], ValueError),
        ([], ValueError),
        (["git", "a\x00b"], ValueError),
        ("git", TypeError),
        (["git", 1], TypeError),
    ):
        with pytest.raises(error):
            granted.check_command(bad)  # type: ignore[arg-type]


def test_host_apis(roots):
    """
    ``tools:<plugin>.*`` covers that plugin's tools and no other plugin's.
    """
    granted = grants(roots, "host:events.emit", "host:tools:text-tools.*")

    granted.check_host_api("events.emit")
    granted.check_host_api("tools", "text-tools.slugify")
    granted.check_host_api("tools", "text-tools.*")
    for api, argument, missing in (
        ("claude.query", None, "host:claude.query"),
        ("tools", "text.slugify", "host:tools:text.slugify"),
        ("tools", "other.x", "host:tools:other.x"),
    ):
        with pytest.raises(PermissionDenied) as info:
            granted.check_host_api(api, argument)
        assert missing == info.value.permission
    with pytest.raises(ValueError):
        granted.check_host_api("shell")


def test_intersection_is_by_canonical_text(roots, tree):
    """
    Only permissions every party spells the same way survive.
    """
    requested = grants(roots, "fs:read:${data}/**", "env:HOME", "process:git")
    user = grants(roots, "fs:read:${data}/**", "process:git", "env:PATH")
    policy = grants(roots, "fs:read:${data}/cache/**", "process:git")

    assert {"fs:read:${data}/**", "process:git"} == (
        requested & user
    ).canonical
    assert {"process:git"} == requested.intersection(user, policy).canonical
    assert requested.canonical == requested.intersection().canonical
    with pytest.raises(ValueError):
        requested.intersection(grants(Roots(tree, tree, tree), "process:git"))


def test_caller_bugs_in_arguments(roots):
    """
    An unknown access mode and ``&`` with a non-Grants are caller bugs.
    """
    granted = grants(roots, "fs:read:${workspace}")

    with pytest.raises(ValueError, match="access"):
        granted.check_path("a", "execute")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        granted & {"fs:read:${workspace}"}
