"""
One plugin's sandbox: its modules, its import gate and its guards.
"""

from __future__ import annotations

import os
import sys
import time
import types
from typing import TYPE_CHECKING, Any, Final, NoReturn, TypeVar

from acc_plugins.errors import CompileError, SandboxViolation

from ._budget import Budget
from ._builtmodules import BUILT_MODULES
from ._classnames import describe_unformattable
from ._compiler import BytecodeCache, compile_plugin_source
from ._coroutines import Driver
from ._extramodules import ExtraModules
from ._guardnames import OWNER_MARK
from ._guards import Guards
from ._imports import TopLevel
from ._libmodules import LibraryModules
from ._pluginfiles import PluginFiles
from ._refusals import plugin_location
from ._unavailable import RefusedImport, fix_for, unavailable


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from pathlib import Path


_R = TypeVar("_R")

# How many refused imports a sandbox remembers: a loop importing made-up
# names must not grow the record without end.
MAX_REFUSED_IMPORTS: Final = 100

# Where a plugin module keeps its own dotted name and whether it is a
# package; a dunder, so plugin code cannot read or change it.
_MODULE_KEY: Final = "__acc_module__"


class Sandbox:
    """
    Loads and runs one plugin's modules under the sandbox policy.

    Args:
        root: The plugin's folder; its ``.py`` files are its modules.

        name: The plugin's name, used in module names and messages.

        cache: Where compiled modules are kept between runs, if anywhere.

        extra_modules: Host modules plugin code may import, as
            ``{"acc_plugins.sdk": {"Plugin": Plugin, ...}}``.

        safe_bases: Host classes plugin classes may derive from.

        on_print: Receives what plugin code prints.

        on_refused_import: Told of every import the gate refuses (plugin
            code may catch the ``ModuleNotFoundError``).

        timeout: Seconds one outermost call into the plugin (or the run of
            a module at import) may take.

        memory_mb: The memory budget no single operation may exceed.

        steps: Steps one outermost call may take (loop iterations and
            calls of plugin code), or None not to count them.

        sources: The plugin's files as the scanner read them, by
            ``/``-separated path relative to *root*: modules are compiled
            from these bytes, never read again, and a module missing from
            them is refused.  None reads each module when it is imported.

    Attributes:
        violations: Every refusal so far, in order.

        driver: Runs the coroutines plugin code returns, within the budget.

        refused_imports: The first ``MAX_REFUSED_IMPORTS`` imports the
            gate refused: not violations, since catching the
            ``ModuleNotFoundError`` is the optional-dependency idiom.
    """

    def __init__(
        self,
        root: Path,
        name: str,
        *,
        cache: BytecodeCache | None = None,
        extra_modules: Mapping[str, Mapping[str, object]] | None = None,
        safe_bases: Iterable[type] = (),
        on_print: Callable[[str], None] = lambda _: None,
        on_refused_import: Callable[[RefusedImport], None] = lambda _: None,
        timeout: float = 5.0,
        memory_mb: int = 128,
        steps: int | None = None,
        sources: Mapping[str, bytes] | None = None,
    ) -> None:
        self.root = root.resolve()
        self.budget = Budget(timeout, steps, memory_mb * 2**20)
        self.driver = Driver(self.budget)
        self._root_text = str(self.root)
        self.name = name
        self.cache = cache
        self.violations: list[SandboxViolation] = []
        self.refused_imports: list[RefusedImport] = []
        self._on_refused_import = on_refused_import
        # Modules the sandbox builds itself, then the host's.
        self._extra: dict[str, Mapping[str, object]] = {
            name: build(self.driver) for name, build in BUILT_MODULES.items()
        }
        self._extra.update(extra_modules or {})
        self._token = object()
        self.guards = Guards(
            self._token,
            root=str(self.root) + os.sep,
            safe_bases=safe_bases,
            on_violation=self.violations.append,
            on_print=on_print,
            budget=self.budget,
            memory_bytes=memory_mb * 2**20,
        )
        self._builtins = self.guards.builtins(self._import)
        self._extra_modules = ExtraModules(
            self.guards.bombs,
            on_print,
            lambda: plugin_location(self._root_text + os.sep),
            self.mark,
        )
        # A module class of its own: ownership of plugin modules follows
        # from their type, like ownership of any other plugin object.
        self._module_class: type[types.ModuleType] = type(
            "PluginModule", (types.ModuleType,), {OWNER_MARK: self._token}
        )
        self._modules: dict[str, types.ModuleType] = {}
        self._files = PluginFiles(self._root_text, sources)
        self._library = LibraryModules(
            self._extra, self.guards, self._extra_modules, self.mark
        )

    def __repr__(self) -> str:
        return f"<Sandbox {self.name!r} modules={len(self._modules)}>"

    def close(self) -> None:
        """
        Forget the plugin's modules; its objects become unreachable.
        """
        for module in self._modules.values():
            if sys.modules.get(module.__name__) is module:
                del sys.modules[module.__name__]
        self._modules.clear()
        self._library.clear()

    def owns(self, obj: object) -> bool:
        """
        Tell whether *obj* was made by this plugin's code.
        """
        return self.guards.owns(obj)

    def mark(self, cls: type) -> None:
        """
        Declare a class made on the plugin's behalf as its own.
        """
        setattr(cls, OWNER_MARK, self._token)

    # -- modules ----------------------------------------------------------

    def has_module(self, dotted: str) -> bool:
        """
        Tell whether *dotted* names one of the plugin's own modules.
        """
        return dotted in self._modules or self._files.find(dotted) is not None

    def import_module(self, dotted: str) -> types.ModuleType:
        """
        Import one of the plugin's modules (and its parents), running each
        the first time.

        Raises:
            ModuleNotFoundError: If the plugin has no such module.

            CompileError: If the sandbox refuses its source.
        """
        parent, _, last = dotted.rpartition(".")
        parent_module = self.import_module(parent) if parent else None
        existing = self._modules.get(dotted)
        if existing is not None:
            return existing
        found = self._files.find(dotted)
        if found is None:
            msg = f"plugin {self.name!r} has no module {dotted!r}"
            raise ModuleNotFoundError(msg, name=dotted)
        path, is_package = found
        module = self._module_class(f"{self.name}:{dotted}")
        namespace = module.__dict__
        namespace.update(
            {
                "__builtins__": self._builtins,
                "__package__": dotted if is_package else parent,
                OWNER_MARK: self._token,
                _MODULE_KEY: (dotted, is_package),
            }
        )
        self._modules[dotted] = module
        # Registered under a name no real module can have (it contains a
        # colon) because dataclasses and typing look a class's module up.
        sys.modules[module.__name__] = module
        try:
            if path.is_file():
                code = self._compile(path)
                self.budget.enter(time.perf_counter())
                try:
                    exec(code, namespace)  # noqa: S102 -- the sandbox's one exec: restricted code, guarded globals
                finally:
                    self.budget.leave()
        except BaseException:
            del self._modules[dotted]
            sys.modules.pop(module.__name__, None)
            raise
        if parent_module is not None:
            setattr(parent_module, last, module)
        return module

    def _compile(self, path: Path) -> types.CodeType:
        try:
            source = self._files.read(path).decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            msg = f"{path}: cannot read: {exc}"
            raise CompileError(str(path), [msg]) from exc
        steps = self.budget.counts_steps
        if self.cache is not None:
            return self.cache.compile(source, str(path), count_steps=steps)
        return compile_plugin_source(source, str(path), count_steps=steps)

    def run(
        self, function: Callable[..., _R], /, *args: Any, **kwargs: Any
    ) -> _R:
        """
        Call plugin code under the time budget, as the host does; a
        coroutine it returns is run to its end within the same call.

        Plugin code called any other way meets an armed budget and stops
        at its first loop or call: it is not running inside a call.
        """
        self.budget.enter(time.perf_counter())
        try:
            # A coroutine function's _R is its coroutine; callers get what
            # the coroutine returns, which the type cannot say.
            return self.driver.finish(function(*args, **kwargs))  # type: ignore[return-value]
        finally:
            self.budget.leave()

    def text_of(self, value: object) -> str:
        """
        ``str(value)`` for a plugin's object, run as plugin code: under the
        plugin's budget, and whatever it raises (a loop that runs out of
        time, an exception class of the plugin's that ``except Exception``
        would miss) ends in a description instead of escaping into the
        host.
        """
        if type(value) is str:
            return value
        self.budget.enter(time.perf_counter())
        try:
            # An exception's arguments may repeat shared items past the
            # budget in one call into C: bounded first, like plugin code's.
            self.guards.bombs.render.check(value, "the text of an exception")
            text = str(value)
            # str() may return a subclass of the plugin's: keep its
            # characters only.
            return str.__str__(text)
        except (KeyboardInterrupt, SystemExit) as exc:
            if type(exc) in (KeyboardInterrupt, SystemExit):
                raise  # the host's own interrupt, not the plugin's
            return describe_unformattable(value, exc)
        except BaseException as exc:  # noqa: BLE001 -- plugin code: contain anything
            return describe_unformattable(value, exc)
        finally:
            self.budget.leave()

    def load_attribute(self, dotted: str, attribute: str) -> object:
        """
        Import *dotted* and return one of its attributes (an entry point).

        Raises:
            AttributeError: If the module has no such attribute.
        """
        module = self.import_module(dotted)
        try:
            return module.__dict__[attribute]
        except KeyError:
            msg = f"module {dotted!r} of plugin {self.name!r} has no {attribute!r}"
            raise AttributeError(msg) from None

    # -- the import gate --------------------------------------------------

    def _refuse_import(self, dotted: str) -> NoReturn:
        filename, lineno = plugin_location(self._root_text + os.sep)
        refused = RefusedImport(dotted, filename, lineno)
        if len(self.refused_imports) < MAX_REFUSED_IMPORTS:
            self.refused_imports.append(refused)
            self._on_refused_import(refused)
        msg = f"No module named {dotted!r}: {unavailable(dotted)}"
        raise ModuleNotFoundError(msg, name=dotted)

    def _resolve(self, name: str, importer: Any, level: int) -> str:
        if not level:
            return name
        spec = (
            importer.get(_MODULE_KEY) if isinstance(importer, dict) else None
        )
        if spec is None:
            self.guards.refuse("a relative import outside a plugin module")
        current, is_package = spec
        base = current.split(".") if current else []
        if not is_package:
            base = base[:-1]
        if level - 1 > len(base):
            self.guards.refuse("a relative import beyond the plugin's folder")
        base = base[: len(base) - (level - 1)]
        return ".".join([*base, name] if name else base)

    def _import(
        self,
        name: str,
        globals: Any = None,  # noqa: A002 -- the signature of __import__
        locals: Any = None,  # noqa: A002, ARG002 -- the signature of __import__
        fromlist: Any = (),
        level: int = 0,
    ) -> object:
        if type(name) is not str or type(level) is not int:
            msg = "__import__() takes a module name and a level"
            raise TypeError(msg)
        dotted = self._resolve(name, globals, level)
        wanted = tuple(fromlist or ())
        if dotted and self.has_module(dotted):
            module = self.import_module(dotted)
            for item in wanted:
                if type(item) is str and self.has_module(f"{dotted}.{item}"):
                    self.import_module(f"{dotted}.{item}")
            if wanted or level:
                return module
            return self._modules[dotted.partition(".")[0]]
        if level and not dotted:
            # ``from . import x`` at the plugin's top level.
            for item in wanted:
                if type(item) is str and self.has_module(item):
                    self.import_module(item)
            return TopLevel(self._modules)
        if not self._library.is_allowed(dotted):
            self._refuse_import(dotted)
        if wanted:
            proxy = self._library.proxy(dotted)
            for item in wanted:
                if (
                    type(item) is str
                    and item != "*"
                    and not hasattr(proxy, item)
                ):
                    # ``from os import environ``: say what to use instead.
                    msg = (
                        f"cannot import name {item!r} from {dotted!r}: the "
                        f"sandbox's {dotted!r} offers no {item!r}; "
                        f"{fix_for(dotted)}"
                    )
                    raise ImportError(msg, name=dotted)
            return proxy
        return self._library.proxy(dotted.partition(".")[0])
