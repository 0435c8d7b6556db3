"""
Calling into plugin code: the one place where plugin failures are caught,
located, counted and turned into ``PluginCallError``.
"""

from __future__ import annotations

import inspect
import time
from typing import TYPE_CHECKING, Any, Final, NoReturn

import attrs

from acc_plugins.errors import (
    BudgetExceeded,
    PluginCallError,
    SandboxViolation,
)
from acc_plugins.host.core._lifecycle import SERVING
from acc_plugins.host.core._record import (
    Failure,
    failure_of,
    is_host_made,
    plain_args_text,
)
from acc_plugins.sandbox import module_of
from acc_plugins.sdk import ToolError
from acc_plugins.sdk._json import ConvertError, json_size, to_json_sized
from acc_plugins.sdk._signature import check_result

from ._fastcall import compile_fast_invoker


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from acc_plugins.host.core._record import PluginRecord
    from acc_plugins.sdk._signature import ToolSignature


_perf_counter = time.perf_counter


def copy_json(value: object, label: str) -> object:
    """
    A fresh JSON-compatible copy of *value*.

    Raises:
        ValueError: Naming *label* and the path inside the value, as in
            ``storage value 'k'[2]: a set is not JSON-compatible``.
    """
    try:
        return check_result(value, target=label)
    except ValueError as exc:
        text = str(exc)
        raise ValueError(label + text.removeprefix("result")) from None


def call_plugin(
    record: PluginRecord,
    target: str,
    function: Callable[..., Any],
    args: tuple[object, ...],
    kwargs: Mapping[str, object] | None = None,
) -> object:
    """
    Run plugin code for *target* and contain whatever it does.

    Raises:
        PluginCallError: With the plugin's exception as ``__cause__``.
    """
    stats = record.stats
    sandbox = record.sandbox
    if sandbox is None:  # pragma: no cover -- only loaded plugins are called
        msg = "plugin is not loaded"
        raise PluginCallError(target, msg)
    seen = len(sandbox.violations)
    budget = sandbox.budget
    start = _perf_counter()
    budget.enter(start)
    try:
        result = sandbox.driver.finish(
            function(*args) if kwargs is None else function(*args, **kwargs)
        )
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 -- a plugin may raise anything: contain it
        stats.errors += 1
        error = _call_error(record, target, exc)
        raise error from error.__cause__
    finally:
        budget.leave()
        elapsed = _perf_counter() - start
        if not budget.active:
            stats.steps += budget.last_steps
        stats.calls += 1
        stats.seconds += elapsed
        stats.latencies.append(elapsed)
    if len(sandbox.violations) != seen:
        # Plugin code hid a refusal from itself; the host still acts on it.
        violation = sandbox.violations[-1]
        stats.errors += 1
        raise _call_error(record, target, violation)
    return result


def stand_in(exc: BaseException, failure: Failure) -> BaseException:
    """
    What the host keeps of a plugin's exception: the host's own and
    Python's built-in ones as they are when their text is plain, else a
    built-in exception of the same class (or a ``RuntimeError`` naming the
    plugin's class) holding the text already computed, with the same
    traceback.  Never an object of the plugin's: formatting it later, in a
    log or a traceback, would run plugin code outside any budget.
    """
    if is_host_made(exc) and failure.message == plain_args_text(exc):
        return exc
    kind = type(exc)
    copy: BaseException
    try:
        if module_of(kind) != "builtins":
            raise TypeError  # noqa: TRY301 -- the same fallback as below
        copy = kind(failure.message)
    except TypeError:
        copy = RuntimeError(f"{failure.kind}: {failure.message}")
    return copy.with_traceback(exc.__traceback__)


def _call_error(
    record: PluginRecord, target: str, exc: BaseException
) -> PluginCallError:
    """
    The ``PluginCallError`` for *exc*, with a stand-in for it as its
    cause.
    """
    failure = failure_of(exc, record.root, record.sandbox)
    error = _contained(record, target, exc, failure)
    error.__cause__ = stand_in(exc, failure)
    return error


def _contained(
    record: PluginRecord,
    target: str,
    exc: BaseException,
    failure: Failure,
) -> PluginCallError:
    if isinstance(exc, ToolError):
        return PluginCallError(target, failure.message)
    if isinstance(exc, BudgetExceeded):
        # Stopped, not broken: the plugin keeps serving other calls.
        record.stats.breaches += 1
        record.on_violation(record, exc)
        return PluginCallError(target, str(exc), failure.location)
    record.last_error = failure
    if isinstance(exc, SandboxViolation):
        record.on_violation(record, exc)
    message = failure.message
    if failure.kind not in {"PluginCallError", "SandboxViolation"}:
        message = f"{failure.kind}: {message}"
    return PluginCallError(target, message, failure.location)


_VIOLATED: Final = object()


@attrs.define(eq=False)
class ToolEntry:
    """
    A registered tool, ready to call.

    Attributes:
        target: Its namespaced name.

        record: Its plugin.

        function: The plugin's method.

        signature: Its parameters.

        description: What it does.

        call: Validates arguments, calls the tool, returns a JSON copy of
            the result: the compiled fast path where the signature allows,
            else ``invoke``.
    """

    target: str
    record: PluginRecord
    function: Callable[..., Any]
    signature: ToolSignature
    description: str
    call: Callable[[dict[str, object]], object] = attrs.field(init=False)
    output_bytes: int | None = attrs.field(init=False, default=None)

    def __attrs_post_init__(self) -> None:
        manifest = self.record.manifest
        if manifest is not None:
            self.output_bytes = manifest.limits.output_bytes
        # A coroutine is run to its end on the general path.
        fast = (
            None
            if inspect.iscoroutinefunction(self.function)
            else compile_fast_invoker(
                self.record,
                self.signature.parameters,
                self.function,
                slow=self.invoke,
                failed=self._failed,
                slow_result=self._result,
                violated=_VIOLATED,
                output_bytes=self.output_bytes,
            )
        )
        self.call = fast if fast is not None else self.invoke

    def _failed(self, exc: BaseException, start: float) -> NoReturn:
        stats = self.record.stats
        elapsed = _perf_counter() - start
        stats.calls += 1
        stats.errors += 1
        stats.seconds += elapsed
        stats.latencies.append(elapsed)
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise exc
        error = _call_error(self.record, self.target, exc)
        raise error from error.__cause__

    def _result(self, result: object) -> object:
        if result is _VIOLATED:
            sandbox = self.record.sandbox
            assert sandbox is not None  # noqa: S101 -- a loaded plugin has one
            self.record.stats.errors += 1
            raise _call_error(self.record, self.target, sandbox.violations[-1])
        try:
            copied, size = to_json_sized(result)
        except ConvertError as exc:
            msg = (
                "returned a value that is not JSON-compatible: "
                f"result{exc.where}: {exc.reason}"
            )
            raise PluginCallError(self.target, msg) from None
        except ValueError as exc:  # measured: an integer too long for text
            msg = f"returned a value that is not JSON-compatible: {exc}"
            raise PluginCallError(self.target, msg) from None
        limit = self.output_bytes
        if limit is not None and size > limit:
            # The size was a bound; measure exactly before refusing.
            try:
                size = json_size(copied)
            except ValueError as exc:  # an integer too long for text
                msg = f"returned a value that is not JSON-compatible: {exc}"
                raise PluginCallError(self.target, msg) from None
            if size > limit:
                msg = f"returned {size} bytes, more than its output limit of {limit}"
                raise PluginCallError(self.target, msg)
        return copied

    def invoke(
        self, arguments: Mapping[str, object], *, text: bool = False
    ) -> object:
        """
        Validate *arguments*, call the tool, and return a JSON copy of its
        result: the general path, with every check and message.

        Raises:
            ToolArgumentError: If the arguments do not fit the signature.

            PluginCallError: If the plugin is not active or its code fails.
        """
        record = self.record
        if record.lifecycle.state not in SERVING:
            msg = f"plugin {record.name!r} is {record.lifecycle.state.value}"
            raise PluginCallError(self.target, msg)
        signature = self.signature
        bound = (
            signature.coerce_text(arguments, target=self.target)  # type: ignore[arg-type]
            if text
            else signature.bind(arguments, target=self.target)
        )
        result = call_plugin(
            record, self.target, self.function, (record.instance,), bound
        )
        return self._result(result)
