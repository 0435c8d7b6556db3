"""
The public exception tree.

Everything acc_plugins raises because of a plugin derives from
``PluginError``; caller bugs (a wrong type, a duplicate name) stay plain
``TypeError`` or ``ValueError``::

    PluginError
    ├── ManifestError(PluginError, ValueError)      .path, .problems
    ├── SandboxError
    │   ├── CompileError                            .path, .problems
    │   ├── SandboxViolation                        .what, .filename, .lineno
    │   └── BudgetExceeded                          .resource, .limit
    ├── LoadError                                   .name; __cause__
    │   └── DependencyError                         .chain
    ├── PluginNotFoundError(PluginError, LookupError)
    ├── ToolArgumentError(PluginError, TypeError)   .target, .problems
    ├── PluginCallError                             .target, .location
    ├── PermissionDenied(PluginError, PermissionError)  .plugin, .permission
    ├── PolicyBlockedError(PluginError, PermissionError)  .plugin, .reasons
    └── MarketplaceError
        ├── ArchiveError(MarketplaceError, ValueError)  .archive, .entry
        ├── KeyringError(MarketplaceError, ValueError)
        ├── PublishError                            .step, .problems
        ├── SignatureError                          .key_id
        └── the registry's and installer's own, in acc_plugins.market:
            HealthCheckError, IndexFormatError, LockFileError,
            RegistryNotFoundError, RegistryUnavailableError,
            ResolutionError, StaleIndexError

    PolicyError(ValueError)                          .path, .problems
        an administrator's policy file is invalid: not a plugin's fault
    ClaudeError(RuntimeError)                        .provider
        a Claude provider could not answer: the API or Claude Code failed
"""

from __future__ import annotations

from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from collections.abc import Sequence


class PluginError(Exception):
    """
    Base of every error caused by a plugin or its files.
    """


class _FileProblems(Exception):  # noqa: N818 -- a mixin, not raised itself
    """
    An error that lists every problem found in one file, one per line,
    each after the file's path.
    """

    def __init__(self, path: str, problems: Sequence[str]) -> None:
        self.path = path
        self.problems = list(problems)
        super().__init__(
            "\n".join(f"{path}: {problem}" for problem in self.problems)
        )


class ManifestError(_FileProblems, PluginError, ValueError):
    """
    A ``plugin.toml`` is malformed or invalid.

    Attributes:
        path: The manifest file, or ``"plugin.toml"`` for text without one.

        problems: Every problem found, each ``"field.path: reason"``.
    """


class SandboxError(PluginError):
    """
    Base of the errors raised by the sandbox.
    """


class CompileError(SandboxError):
    """
    Plugin source that the sandbox refuses to compile.

    Attributes:
        path: The source file.

        problems: Each ``"path:line: reason"``, in source order.
    """

    def __init__(self, path: str, problems: Sequence[str]) -> None:
        self.path = path
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class SandboxViolation(SandboxError):  # noqa: N818 -- a violation, not an "error"
    """
    A guard refused something that plugin code tried to do at run time.

    Plugin code cannot catch it: the sandbox re-raises it from every
    ``except`` clause and ``with`` block of plugin code.

    Attributes:
        what: What was refused, for example ``"import of 'os'"``.

        filename: The plugin file that tried it, if known.

        lineno: The line in that file, if known.
    """

    def __init__(
        self, what: str, filename: str | None = None, lineno: int | None = None
    ) -> None:
        self.what = what
        self.filename = filename
        self.lineno = lineno
        where = f"{filename}:{lineno}: " if filename else ""
        super().__init__(f"{where}{what} is not allowed in the sandbox")


class BudgetExceeded(SandboxError):  # noqa: N818 -- reads as a verdict, like SandboxViolation
    """
    Plugin code used up a budget (time or steps) and was stopped.

    Like ``SandboxViolation``, plugin code cannot catch it.

    Attributes:
        resource: What ran out: ``"time"`` or ``"steps"``.

        limit: The budget, in the resource's unit (milliseconds for time).
    """

    def __init__(
        self, resource: str, limit: float, unit: str, why: str | None = None
    ) -> None:
        self.resource = resource
        self.limit = limit
        super().__init__(
            why or f"exceeded its {resource} budget of {limit:g} {unit}"
        )


class LoadError(PluginError):
    """
    A plugin could not be loaded or activated.

    Attributes:
        name: The plugin's name.

    The underlying error, if any, is the ``__cause__``.
    """

    def __init__(self, name: str, message: str) -> None:
        self.name = name
        super().__init__(f"{name}: {message}")


class ReloadError(LoadError):
    """
    A new version of a plugin was refused; the old one keeps serving.

    Attributes:
        location: ``"file:line"`` of the problem, when known.
    """

    def __init__(
        self, name: str, message: str, location: str | None = None
    ) -> None:
        self.location = location
        where = f"{location}: " if location else ""
        super().__init__(name, f"{where}{message}")


class DependencyError(LoadError):
    """
    A dependency is missing, of the wrong version, failed or forms a cycle.

    Attributes:
        chain: The plugins involved, from the dependent to the dependency.
    """

    def __init__(self, name: str, message: str, chain: Sequence[str]) -> None:
        self.chain = list(chain)
        super().__init__(name, message)


class PluginNotFoundError(PluginError, LookupError):
    """
    No plugin, tool, agent or workflow of that name is registered.

    Attributes:
        target: The name that was looked up.
    """

    def __init__(self, target: str, message: str | None = None) -> None:
        self.target = target
        super().__init__(message or f"no such plugin or entry: {target!r}")


class ToolArgumentError(PluginError, TypeError):
    """
    Arguments that do not match a tool's (or workflow's) signature.

    Attributes:
        target: The namespaced tool name.

        problems: Every problem, each ``"argument 'x': reason"``.
    """

    def __init__(self, target: str, problems: Sequence[str]) -> None:
        self.target = target
        self.problems = list(problems)
        super().__init__(f"{target}: " + "; ".join(self.problems))


class PluginCallError(PluginError):
    """
    Plugin code failed while serving a call.

    Attributes:
        target: What was called, for example ``"text-tools.slugify"``.

        location: ``"file:line"`` in the plugin where it failed, if known.

    The plugin's own exception is the ``__cause__``.
    """

    def __init__(
        self, target: str, message: str, location: str | None = None
    ) -> None:
        self.target = target
        self.location = location
        where = f" at {location}" if location else ""
        super().__init__(f"{target} failed{where}: {message}")


class PermissionDenied(PluginError, PermissionError):  # noqa: N818 -- reads as a verdict
    """
    A plugin used a capability it was not granted.

    Attributes:
        plugin: The plugin's name.

        permission: The missing permission in canonical form.
    """

    def __init__(self, plugin: str, permission: str) -> None:
        self.plugin = plugin
        self.permission = permission
        super().__init__(
            f"plugin {plugin!r} lacks permission {permission!r}; "
            f"request it in plugin.toml [permissions] and grant it"
        )


class PolicyBlockedError(PluginError, PermissionError):
    """
    The administrator's policy keeps a plugin out (at install, or at a
    load: a plugin installed before the policy changed is blocked at its
    next load) or refuses what was asked of it (disabling or uninstalling
    a plugin the policy requires).

    Attributes:
        plugin: The plugin's name.

        reasons: Each rule that refuses it, naming the policy file, such
            as ``"blocked by policy /etc/acc/policy.toml: [plugins] block
            matches 'publisher:acme'"``.
    """

    def __init__(self, plugin: str, reasons: Sequence[str]) -> None:
        self.plugin = plugin
        self.reasons = tuple(reasons)
        super().__init__("; ".join(self.reasons))


class MarketplaceError(PluginError):
    """
    A registry, archive or installation problem.
    """


class ArchiveError(MarketplaceError, ValueError):
    """
    A plugin archive (``.accp``) that is refused, or a folder that cannot
    be packaged into one.  Nothing was written when it is raised.

    Attributes:
        archive: The archive file (``"<archive>"`` for bytes in memory), or
            the folder being packaged.

        entry: The file inside it that is refused, or ``None`` when the
            problem is the archive as a whole.
    """

    def __init__(self, archive: str, entry: str | None, reason: str) -> None:
        self.archive = archive
        self.entry = entry
        where = f"{archive}: " if entry is None else f"{archive}: {entry!r}: "
        super().__init__(f"{where}{reason}")


class SignatureError(MarketplaceError):
    """
    A signature is malformed, does not match its data and key, or was made
    by a key that is not trusted.

    Attributes:
        key_id: The id of the key the signature was checked against.
    """

    def __init__(self, message: str, key_id: str) -> None:
        self.key_id = key_id
        super().__init__(message)


class PublishError(MarketplaceError):
    """
    A plugin that the publishing pipeline refuses: invalid, flagged by the
    scanner, failing its own tests, or not activating.  The registry was
    not changed.

    Attributes:
        step: The step that refused it: ``validate``, ``scan``, ``test``,
            ``load`` and so on.

        problems: What is wrong, one line each.
    """

    def __init__(
        self, message: str, problems: Sequence[str], *, step: str
    ) -> None:
        self.step = step
        self.problems = list(problems)
        lines = "".join(f"\n  {problem}" for problem in self.problems)
        super().__init__(f"{message}{lines}")


class KeyringError(MarketplaceError, ValueError):
    """
    A publisher key, key name or trust entry is malformed, missing, or
    already there: in the user's keyring, trust store or a command line.
    """


class PolicyError(_FileProblems, ValueError):
    """
    An administrator's policy file is malformed or invalid.

    Attributes:
        path: The policy file.

        problems: Every problem found, each ``"key.path: reason"``.
    """


class ConfigError(_FileProblems, ValueError):
    """
    A configuration file, or a value for a setting, is invalid.

    Attributes:
        path: The file (or ``"<plugin>"`` for a value given directly).

        problems: Every problem found, each ``"key.path: reason"``.
    """


class ClaudeError(RuntimeError):
    """
    A Claude provider could not answer: the Messages API refused or timed
    out after its retries, or Claude Code failed.  The message says why
    and never carries a key.

    Attributes:
        provider: Which provider failed (``"anthropic"``, ``"claude-code"``).
    """

    def __init__(self, provider: str, message: str) -> None:
        self.provider = provider
        super().__init__(f"{provider}: {message}")
