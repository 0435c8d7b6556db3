"""
Hypothesis strategies for manifests and permissions, and a tiny TOML writer.
"""

import json
import keyword
import math
import string
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from acc_plugins.manifest import (
    Dependency,
    EntryPoint,
    EnvironmentPermission,
    FilesystemPermission,
    HostPermission,
    Limits,
    Manifest,
    NetworkPermission,
    Permission,
    Permissions,
    PluginKind,
    PluginMeta,
    ProcessPermission,
    Setting,
    SettingType,
    unstructure_manifest,
)
from acc_plugins.manifest._checks import SPDX_LICENSES


# Text a TOML basic string can hold: anything but surrogates.
texts = st.text(st.characters(codec="utf-8"), max_size=40)
words = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8)

plugin_names = st.from_regex(
    r"[a-z][a-z0-9]{0,7}(-[a-z0-9]{1,5}){0,3}", fullmatch=True
)
setting_keys = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
identifiers = st.from_regex(
    r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True
).filter(lambda name: not keyword.iskeyword(name))


@st.composite
def versions(draw: st.DrawFn, min_parts: int = 1) -> Version:
    """
    PEP 440 versions, sometimes with a pre-, post- or dev-release part.
    """
    parts = draw(st.lists(st.integers(0, 999), min_size=min_parts, max_size=4))
    suffix = draw(st.sampled_from(["", "a1", "b2", "rc3", ".post1", ".dev4"]))
    return Version(".".join(map(str, parts)) + suffix)


@st.composite
def specifier_sets(draw: st.DrawFn) -> SpecifierSet:
    """
    Sets of zero to three version specifiers.
    """
    clauses = []
    for _ in range(draw(st.integers(0, 3))):
        operator = draw(
            st.sampled_from(["<", "<=", "==", "!=", ">=", ">", "~="])
        )
        version = draw(versions(min_parts=2 if operator == "~=" else 1))
        clauses.append(f"{operator}{version}")
    return SpecifierSet(",".join(clauses))


def _segment() -> st.SearchStrategy[str]:
    chars = string.ascii_letters + string.digits + "._+@=,%*?-"
    return st.one_of(
        st.just("**"),
        st.text(chars, min_size=1, max_size=8).filter(
            lambda s: s not in {".", ".."} and "**" not in s
        ),
    )


filesystem_permissions = st.builds(
    FilesystemPermission,
    st.sampled_from(["read", "write"]),
    st.sampled_from(["data", "plugin", "workspace"]),
    st.lists(_segment(), max_size=4).map("/".join),
)

_dns_labels = st.from_regex(
    r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True
)
_top_labels = st.from_regex(r"[a-z]([a-z0-9-]{0,6}[a-z0-9])?", fullmatch=True)
_dns_names = st.builds(
    lambda labels, top: ".".join([*labels, top]),
    st.lists(_dns_labels, max_size=3),
    _top_labels,
)
_ipv4 = st.lists(st.integers(0, 255), min_size=4, max_size=4).map(
    lambda octets: ".".join(map(str, octets))
)
hosts = st.one_of(
    st.just("localhost"),
    _ipv4,
    _dns_names,
    st.builds(
        lambda labels, top: ".".join(["*", *labels, top]),
        st.lists(_dns_labels, min_size=1, max_size=2),
        _top_labels,
    ),
)
network_permissions = st.builds(
    NetworkPermission,
    st.sampled_from(["http", "https"]),
    hosts,
    st.none() | st.integers(1, 65535),
)
environment_permissions = st.builds(
    EnvironmentPermission,
    st.from_regex(r"[A-Z_][A-Z0-9_]{0,12}", fullmatch=True),
    st.booleans(),
)
process_permissions = st.builds(
    ProcessPermission,
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,12}", fullmatch=True),
)
host_permissions = st.one_of(
    st.sampled_from(
        [
            HostPermission("claude.query"),
            HostPermission("events.emit"),
            HostPermission("sessions"),
        ]
    ),
    st.builds(
        HostPermission,
        st.just("claude.tools"),
        st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True),
    ),
    st.builds(
        HostPermission,
        st.sampled_from(["tools", "prompt.inject"]),
        st.builds(
            "{}.{}".format,
            plugin_names,
            identifiers
            | st.just("*")
            | st.from_regex(r"[a-z_][a-z0-9_-]{0,12}", fullmatch=True),
        ),
    ),
)
permissions: st.SearchStrategy[Permission] = st.one_of(
    filesystem_permissions,
    network_permissions,
    environment_permissions,
    process_permissions,
    host_permissions,
)
permission_sets = st.builds(
    Permissions,
    filesystem=st.lists(filesystem_permissions, max_size=3).map(tuple),
    network=st.lists(network_permissions, max_size=3).map(tuple),
    environment=st.lists(environment_permissions, max_size=3).map(tuple),
    process=st.lists(process_permissions, max_size=3).map(tuple),
    host=st.lists(host_permissions, max_size=3).map(tuple),
)

limits = st.builds(
    Limits,
    timeout_ms=st.integers(1, 3_600_000),
    memory_mb=st.integers(1, 65_536),
    output_bytes=st.integers(1, 1_073_741_824),
    fs_operations=st.integers(0, 1_000_000),
    network_requests=st.integers(0, 100_000),
)


@st.composite
def _bounds(
    draw: st.DrawFn, numbers: st.SearchStrategy[Any]
) -> tuple[Any, Any, Any]:
    """
    A minimum, a maximum and a default between them, each maybe absent.
    """
    low, default, high = sorted(
        draw(st.lists(numbers, min_size=3, max_size=3))
    )
    return (
        draw(st.none() | st.just(low)),
        draw(st.none() | st.just(high)),
        draw(st.none() | st.just(default)),
    )


@st.composite
def settings(draw: st.DrawFn, key: str) -> Setting:
    """
    Valid settings of every type.
    """
    kind = draw(st.sampled_from(SettingType))
    fields: dict[str, Any] = {"description": draw(texts)}
    if kind in {SettingType.INT, SettingType.FLOAT}:
        numbers = (
            st.integers(-(2**63), 2**63 - 1)
            if kind is SettingType.INT
            else st.floats(allow_nan=False, allow_infinity=False)
        )
        fields["min"], fields["max"], fields["default"] = draw(
            _bounds(numbers)
        )
    elif kind is SettingType.ENUM:
        choices = draw(st.lists(texts, min_size=1, max_size=4, unique=True))
        fields["choices"] = tuple(choices)
        fields["default"] = draw(st.none() | st.sampled_from(choices))
    elif kind is SettingType.LIST:
        fields["default"] = draw(
            st.none() | st.lists(texts, max_size=3).map(tuple)
        )
    elif kind is SettingType.BOOL:
        fields["default"] = draw(st.none() | st.booleans())
    elif kind is SettingType.STR:
        fields["default"] = draw(st.none() | texts)
    return Setting(key=key, type=kind, **fields)


@st.composite
def plugin_metas(draw: st.DrawFn) -> PluginMeta:
    """
    Valid ``[plugin]`` tables, with and without the optional keys.
    """
    url = st.builds(
        "{}://{}/{}".format,
        st.sampled_from(["http", "https"]),
        _dns_names,
        words,
    )
    return PluginMeta(
        name=draw(plugin_names),
        version=draw(versions()),
        description=draw(texts.filter(str.strip).map(lambda s: s[:300])),
        entry=EntryPoint(
            ".".join(draw(st.lists(identifiers, min_size=1, max_size=3))),
            draw(identifiers),
        ),
        kind=draw(st.sampled_from(PluginKind)),
        authors=tuple(draw(st.lists(texts.filter(str.strip), max_size=3))),
        license=draw(
            st.none()
            | st.sampled_from(SPDX_LICENSES)
            | words.map("LicenseRef-{}".format)
        ),
        keywords=tuple(draw(st.lists(words, max_size=5))),
        homepage=draw(st.none() | url),
        repository=draw(st.none() | url),
        requires_acc=draw(st.none() | specifier_sets()),
    )


@st.composite
def manifests(draw: st.DrawFn) -> Manifest:
    """
    Valid manifests.
    """
    plugin = draw(plugin_metas())
    names = st.lists(
        plugin_names.filter(lambda name: name != plugin.name),
        max_size=3,
        unique=True,
    )
    keys = draw(st.lists(setting_keys, max_size=4, unique=True))
    return Manifest(
        plugin=plugin,
        dependencies=[
            Dependency(name, draw(specifier_sets())) for name in draw(names)
        ],
        permissions=draw(permission_sets),
        limits=draw(limits),
        settings=[draw(settings(key)) for key in keys],
    )


# Anything tomllib could hand over, nested.
toml_values = st.recursive(
    st.one_of(
        texts,
        st.integers(),
        st.floats(),
        st.booleans(),
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(texts, children, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def mutated_documents(draw: st.DrawFn) -> dict[str, Any]:
    """
    The data of a valid manifest with a few values replaced or added.
    """
    document: dict[str, Any] = unstructure_manifest(draw(manifests()))
    for _ in range(draw(st.integers(1, 3))):
        node: Any = document
        while isinstance(node, dict) and node and draw(st.booleans()):
            child = node[draw(st.sampled_from(sorted(node)))]
            if not isinstance(child, dict):
                break
            node = child
        if isinstance(node, dict):
            key = draw(st.sampled_from(sorted(node)) | texts) if node else "x"
            node[key] = draw(toml_values)
    return document


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value)  # 'inf', '-inf' and repr's exponents are TOML.
    if isinstance(value, str):
        # JSON's escapes are TOML's, except that TOML also wants DEL escaped.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list | tuple):
        return "[" + ", ".join(map(toml_value, value)) + "]"
    if isinstance(value, Mapping):
        pairs = (
            f"{toml_value(str(k))} = {toml_value(v)}" for k, v in value.items()
        )
        return "{" + ", ".join(pairs) + "}"
    msg = f"cannot write {value!r} as TOML"
    raise TypeError(msg)


def to_toml(document: Mapping[str, Any]) -> str:
    """
    Write a document as TOML: a table per top-level table, inline below.

    Args:
        document: String keys; values of the kinds tomllib returns.

    Returns:
        TOML text that ``tomllib.loads`` turns back into ``document``.
    """
    lines = [
        f"{toml_value(key)} = {toml_value(value)}"
        for key, value in document.items()
        if not isinstance(value, Mapping)
    ]
    for key, table in document.items():
        if isinstance(table, Mapping):
            lines.append(f"[{toml_value(key)}]")
            lines.extend(
                f"{toml_value(str(k))} = {toml_value(v)}"
                for k, v in table.items()
            )
    return "\n".join(lines) + "\n"
