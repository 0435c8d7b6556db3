"""
What ``plugin.toml`` declares, as frozen attrs classes.

The classes check every field when they are built, so a ``Manifest`` in
hand is a valid one.
They do no I/O; ``_converter`` turns TOML data into them.
"""

import enum
import keyword
import re
from collections.abc import Iterable
from typing import Any, ClassVar, Final, Self

import attrs
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from acc_plugins.manifest._checks import (
    PLUGIN_NAME_PATTERN,
    InvalidFieldsError,
    Validator,
    check_license,
    check_not_blank,
    check_url,
    each,
    in_range,
    matching,
    max_length,
)
from acc_plugins.manifest._permissions import Permissions
from acc_plugins.manifest._settings import Setting


_IDENTIFIER: Final = r"[A-Za-z_][A-Za-z0-9_]*"
_ENTRY_PATTERN: Final = rf"{_IDENTIFIER}(?:\.{_IDENTIFIER})*:{_IDENTIFIER}"
_KEYWORD_MAX: Final = 32
_NAME_MAX: Final = 64
_ENTRY: Final = re.compile(_ENTRY_PATTERN)


def _bounded(default: int, low: int, high: int) -> Any:
    return attrs.field(
        default=default,
        validator=in_range(low, high),
        metadata={"schema": {"minimum": low, "maximum": high}},
    )


def _author_problem(author: str) -> str | None:
    return None if author.strip() else "must not be empty"


def _keyword_problem(word: str) -> str | None:
    if not word.strip() or word != word.strip():
        return f"{word!r} must be a word without surrounding spaces"
    if word != word.lower():
        return f"{word!r} must be lowercase: {word.lower()!r}"
    if len(word) > _KEYWORD_MAX:
        return f"must be at most {_KEYWORD_MAX} characters, got {len(word)}"
    return None


_CHECK_PLUGIN_NAME: Final = (
    matching(
        PLUGIN_NAME_PATTERN,
        "plugin name",
        "use lowercase letters, digits and single hyphens,"
        " starting with a letter, such as 'text-tools'",
    ),
    max_length(_NAME_MAX),
)
_PLUGIN_NAME_SCHEMA: Final = {
    "pattern": f"^{PLUGIN_NAME_PATTERN}$",
    "maxLength": _NAME_MAX,
}


class PluginKind(enum.Enum):
    """
    What a plugin mainly adds to the host.
    """

    AGENT = "agent"
    MIXED = "mixed"
    TOOL = "tool"
    WORKFLOW = "workflow"


class IsolationMode(enum.Enum):
    """
    Where a plugin's code runs.
    """

    IN_PROCESS = "in-process"
    SUBPROCESS = "subprocess"


def _is_identifier(name: str) -> bool:
    return (
        name.isascii() and name.isidentifier() and not keyword.iskeyword(name)
    )


def _check_entry(text: str, names: list[str]) -> None:
    if not _ENTRY.fullmatch(text) or not all(map(_is_identifier, names)):
        msg = (
            f"{text!r} is not a valid entry point; write 'module:Class',"
            " such as 'plugin:Plugin'"
        )
        raise ValueError(msg)


@attrs.frozen
class EntryPoint:
    """
    The class the host instantiates, written ``module:Class``.

    Attributes:
        module: Dotted module path, relative to the plugin's root.

        attr: Name of the class in that module.
    """

    PATTERN: ClassVar[str] = _ENTRY_PATTERN

    module: str
    attr: str

    def __attrs_post_init__(self) -> None:
        _check_entry(self.text, [*self.module.split("."), self.attr])

    @property
    def text(self) -> str:
        """
        The ``module:Class`` form.
        """
        return f"{self.module}:{self.attr}"

    @classmethod
    def from_text(cls, text: str) -> Self:
        """
        Parse ``module:Class``.

        Raises:
            ValueError: The text is not an entry point.
        """
        _check_entry(text, re.split("[.:]", text))
        module, _, attr = text.partition(":")
        return cls(module, attr)


@attrs.frozen(kw_only=True)
class PluginMeta:
    """
    Who the plugin is: the ``[plugin]`` table.

    Attributes:
        name: Unique lowercase name, such as ``text-tools``.

        version: The plugin's version (PEP 440).

        description: One or two sentences about what the plugin does.

        entry: The plugin class, as ``module:Class``.

        kind: What the plugin mainly adds: agent, tool, workflow or mixed.

        authors: People responsible, such as ``Ada <ada@example.com>``.

        license: An SPDX license identifier, or ``LicenseRef-<name>``.

        keywords: Lowercase words that help people find the plugin.

        homepage: The plugin's web page (http or https).

        repository: Where its source lives (http or https).

        requires_acc: The versions of acc-plugins it works with.

        isolation: ``in-process`` (the sandbox in the host's process) or
            ``subprocess`` (the same sandbox in a worker process with
            operating-system limits on memory, CPU time and open files).
    """

    name: str = attrs.field(
        validator=_CHECK_PLUGIN_NAME, metadata={"schema": _PLUGIN_NAME_SCHEMA}
    )
    version: Version
    description: str = attrs.field(
        validator=[check_not_blank, max_length(300)],
        metadata={"schema": {"minLength": 1, "maxLength": 300}},
    )
    entry: EntryPoint
    kind: PluginKind
    authors: tuple[str, ...] = attrs.field(
        default=(), validator=each(_author_problem, 100, "authors")
    )
    license: str | None = attrs.field(default=None, validator=check_license)
    keywords: tuple[str, ...] = attrs.field(
        default=(),
        validator=each(_keyword_problem, 20, "keywords"),
        metadata={"schema": {"maxItems": 20}},
    )
    homepage: str | None = attrs.field(default=None, validator=check_url)
    repository: str | None = attrs.field(default=None, validator=check_url)
    requires_acc: SpecifierSet | None = None
    isolation: IsolationMode = IsolationMode.IN_PROCESS


@attrs.frozen
class Dependency:
    """
    Another plugin this one needs: a line of the ``[dependencies]`` table.

    Attributes:
        name: The other plugin's name.

        specifier: The versions of it that will do (PEP 440).
    """

    name: str = attrs.field(
        validator=_CHECK_PLUGIN_NAME,
        metadata={"table_key": True, "schema": _PLUGIN_NAME_SCHEMA},
    )
    specifier: SpecifierSet = attrs.field(metadata={"table_value": True})


@attrs.frozen(kw_only=True)
class Limits:
    """
    The resources one call into the plugin may use: the ``[limits]`` table.

    Attributes:
        timeout_ms: Wall-clock time per call, in milliseconds.

        memory_mb: Memory, in MiB.

        output_bytes: Size of what a call returns, in bytes.

        fs_operations: File operations per call.

        network_requests: Network requests per call.

        model_tokens: Claude tokens (prompts and answers) per call; an
            agent run is one call.

        tool_calls: Calls to tools through ``ctx.tools`` per call.

        model_cost_usd: What a call's Claude queries may cost, in US
            dollars, at the host provider's prices.

        storage_mb: What the plugin may keep in ``ctx.storage`` (keys and
            JSON values), in MiB; not per call, in all.

        steps: Steps per call: loop iterations, comprehension items and
            calls of plugin functions, a CPU budget that does not depend
            on the machine's speed.  0, the default, does not count them
            (counting costs a little on every loop iteration).
    """

    timeout_ms: int = _bounded(5000, 1, 3_600_000)
    memory_mb: int = _bounded(128, 1, 65_536)
    output_bytes: int = _bounded(1_000_000, 1, 1_073_741_824)
    fs_operations: int = _bounded(1000, 0, 1_000_000)
    network_requests: int = _bounded(100, 0, 100_000)
    model_tokens: int = _bounded(200_000, 0, 100_000_000)
    tool_calls: int = _bounded(100, 0, 100_000)
    model_cost_usd: float = attrs.field(
        default=1.0,
        validator=in_range(0, 10_000, number=True),
        metadata={"schema": {"minimum": 0, "maximum": 10_000}},
    )
    storage_mb: int = _bounded(10, 0, 100_000)
    steps: int = _bounded(0, 0, 1_000_000_000_000)


def _by_name(items: Iterable[Dependency]) -> tuple[Dependency, ...]:
    return tuple(sorted(items, key=lambda item: item.name))


def _by_key(items: Iterable[Setting]) -> tuple[Setting, ...]:
    return tuple(sorted(items, key=lambda item: item.key))


def _unique(attribute: str) -> Validator:
    def check(_: object, __: object, items: tuple[Any, ...]) -> None:
        names = [getattr(item, attribute) for item in items]
        if len(set(names)) != len(names):
            msg = f"each {attribute} may appear only once"
            raise ValueError(msg)

    return check


@attrs.frozen(kw_only=True)
class Manifest:
    """
    Everything a plugin declares about itself in ``plugin.toml``.

    Attributes:
        plugin: Who the plugin is.

        dependencies: Other plugins it needs, sorted by name.

        permissions: What it asks to be allowed to do.

        limits: The resources one call into it may use.

        settings: What users can configure, sorted by key.
    """

    plugin: PluginMeta
    dependencies: tuple[Dependency, ...] = attrs.field(
        default=(),
        converter=_by_name,
        validator=_unique("name"),
        metadata={"keyed": True},
    )
    permissions: Permissions = attrs.Factory(Permissions)
    limits: Limits = attrs.Factory(Limits)
    settings: tuple[Setting, ...] = attrs.field(
        default=(),
        converter=_by_key,
        validator=_unique("key"),
        metadata={"keyed": True},
    )

    def __attrs_post_init__(self) -> None:
        name = self.plugin.name
        if any(dependency.name == name for dependency in self.dependencies):
            problem = "a plugin cannot depend on itself"
            raise InvalidFieldsError([(("dependencies", name), problem)])
