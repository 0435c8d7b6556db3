"""
The inventory's tables of what the sandbox hands out guarded: the members
it replaces (``WRAPPED_MEMBERS``) and the attributes read through a
guard (``GUARDED_REASONS``), each with what the guarded version forbids.

One part of the inventory's tables (``_inventorytable`` holds the rest),
split so that each can be read in one sitting; the two share their reasons.
"""

from __future__ import annotations

from typing import Final

from ._inventoryextra import EXTRA_WRAPPED


_SIZED = "sized: refuses a result larger than the memory budget"
_ARRAY_SIZED = (
    "an array's growth: the array's size after it is checked against the "
    "memory budget"
)
_STATISTIC = (
    "returns a Decimal result as the sandbox's checked Decimal (the library "
    "computes it as the base class)"
)
_CHECKED_ENUM = (
    "the sandbox's own subclass: its functional form (Enum('E', names)) "
    "refuses member names that are not public identifiers and mixins "
    "that are not plain data"
)
_ENGINE = (
    "matches on the regex engine with the plugin's remaining time as its "
    "timeout"
)

# Members the sandbox replaces, and what the replacement forbids.
_ASYNC_AWAITABLE: Final = (
    "an awaitable that yields an opaque request the driver performs: no "
    "future, task or loop reaches plugin code"
)
_PER_ITEM: Final = (
    "checks the budget before each item unless the function it calls is "
    "the plugin's own"
)
_KEYED: Final = (
    "checks the budget before each call of a key function that is not the "
    "plugin's own"
)
_ASYNC_STAND_IN: Final = (
    "a stand-in holding the real asyncio object privately; its waits are "
    "awaitables the driver performs"
)

WRAPPED_MEMBERS: Final[dict[str, str]] = {
    "abc.abstractmethod": "only on the plugin's own functions",
    "asyncio.Event": _ASYNC_STAND_IN,
    "asyncio.Lock": _ASYNC_STAND_IN,
    "asyncio.Queue": _ASYNC_STAND_IN,
    "asyncio.Semaphore": _ASYNC_STAND_IN,
    "asyncio.Task": "a stand-in holding the real task privately; it is "
    "awaited through the driver",
    "asyncio.create_task": "runs the coroutine through the driver; gives "
    "a stand-in task",
    "asyncio.gather": _ASYNC_AWAITABLE,
    "asyncio.iscoroutine": "inspect.iscoroutine: answers a question",
    "asyncio.iscoroutinefunction": "inspect.iscoroutinefunction: answers "
    "a question",
    "asyncio.run": "runs the coroutine through the driver, within the "
    "current call's budget",
    "asyncio.sleep": _ASYNC_AWAITABLE,
    "asyncio.wait_for": _ASYNC_AWAITABLE,
    "builtins.__import__": "the import gate: allowlisted modules, as "
    "read-only proxies",
    "builtins.ascii": "refuses a container whose text, shared items "
    "repeated, could pass the memory budget",
    "builtins.bytearray": "the sized bytearray: a size is checked against "
    "the memory budget",
    "builtins.bytes": "the sized bytes: a size is checked against the "
    "memory budget",
    "builtins.filter": _PER_ITEM,
    "builtins.map": _PER_ITEM,
    "builtins.max": _KEYED,
    "builtins.min": _KEYED,
    "builtins.sorted": _KEYED,
    "builtins.delattr": "the write guard: only on the plugin's own objects",
    "builtins.format": "checks the spec's width and precision, and a "
    "container's text",
    "builtins.getattr": "the attribute guard",
    "builtins.globals": "the calling plugin module's names, without the "
    "sandbox's machinery; refused when library code calls it back",
    "builtins.hasattr": "the attribute guard: a refused name is absent",
    "builtins.iter": "iter(f, sentinel) checks the budget on every item",
    "builtins.pow": "refuses results larger than the budget",
    "builtins.print": "writes to the plugin's log; a container's text is "
    "checked first",
    "builtins.range": "refuses ranges longer than C may consume unchecked",
    "builtins.repr": "refuses a container whose text, shared items "
    "repeated, could pass the memory budget",
    "builtins.round": "refuses rounding a Fraction or Decimal to more "
    "than 5,000 digits (it computes 10 ** ndigits)",
    "builtins.setattr": "the write guard: only on the plugin's own objects",
    "builtins.SystemExit": "a stand-in that ends the call, not the host's "
    "process",
    "builtins.sum": "adds one item at a time, checking sizes and the budget",
    "builtins.type": "no three-argument form; answers stand-ins (see "
    "type(<class>))",
    "builtins.vars": "only of the plugin's own objects, as their __dict__",
    "collections.namedtuple": "marks the class as the plugin's",
    "copy.deepcopy": "the memo must be a plain dict",
    "dataclasses.asdict": "only on the plugin's own dataclasses",
    "dataclasses.astuple": "only on the plugin's own dataclasses",
    "dataclasses.dataclass": "only on the plugin's own classes",
    "dataclasses.replace": "only on the plugin's own dataclasses",
    "functools.cmp_to_key": "checks the budget before each comparison by "
    "a function that is not the plugin's own",
    "functools.reduce": _PER_ITEM,
    "functools.total_ordering": "only on the plugin's own classes",
    "functools.wraps": "copies only the documented attributes, into the "
    "plugin's own wrapper",
    "heapq.merge": _KEYED,
    "heapq.nlargest": _KEYED,
    "heapq.nsmallest": _KEYED,
    "itertools.accumulate": f"{_PER_ITEM} (it adds in C without one)",
    "itertools.combinations": "checks the budget on every item",
    "itertools.combinations_with_replacement": "checks the budget on every "
    "item",
    "itertools.count": "checks the budget on every item",
    "itertools.cycle": "checks the budget on every item",
    "itertools.dropwhile": _PER_ITEM,
    "itertools.filterfalse": _PER_ITEM,
    "itertools.groupby": _KEYED,
    "itertools.permutations": "checks the budget on every item",
    "itertools.product": "checks the budget on every item",
    "itertools.repeat": "a count is checked; endless repeats check the "
    "budget on every item",
    "itertools.starmap": _PER_ITEM,
    "itertools.takewhile": _PER_ITEM,
    "json.dumps": "refuses an indent wider than 256",
    "math.comb": "refuses results too slow to compute in C",
    "math.factorial": "refuses results too slow to compute in C",
    "math.lcm": "refuses results too slow to compute in C",
    "math.perm": "refuses results too slow to compute in C",
    "math.prod": "multiplies one item at a time with the size checks",
    "operator.add": _SIZED,
    "operator.concat": _SIZED,
    "operator.lshift": _SIZED,
    "operator.mul": _SIZED,
    "operator.pow": _SIZED,
    "pprint.pformat": "refuses an indent wider than 256",
    "random.choices": f"{_SIZED}; on the plugin's own random.Random",
    "random.getrandbits": f"{_SIZED}; on the plugin's own random.Random",
    "random.randbytes": f"{_SIZED}; on the plugin's own random.Random",
    "random.sample": f"{_SIZED}; on the plugin's own random.Random",
    "re.Match": "the sandbox's Match: no way back to the engine's objects",
    "re.RegexFlag": "the engine's flag enumeration",
    "re.Pattern": "the sandbox's Pattern: every match has the budget's "
    "timeout",
    "re.compile": _ENGINE,
    "re.error": "the engine's error class, which the wrapped functions raise",
    "re.escape": "the engine's escape(): the same syntax as re's",
    "re.findall": _ENGINE,
    "re.finditer": _ENGINE,
    "re.fullmatch": _ENGINE,
    "re.match": _ENGINE,
    "re.search": _ENGINE,
    "re.split": _ENGINE,
    "re.sub": f"{_ENGINE}; the result is sized",
    "re.subn": f"{_ENGINE}; the result is sized",
    "statistics.fmean": _STATISTIC,
    "statistics.geometric_mean": _STATISTIC,
    "statistics.harmonic_mean": _STATISTIC,
    "statistics.mean": _STATISTIC,
    "statistics.median": _STATISTIC,
    "statistics.median_high": _STATISTIC,
    "statistics.median_low": _STATISTIC,
    "statistics.mode": _STATISTIC,
    "statistics.multimode": _STATISTIC,
    "statistics.pstdev": _STATISTIC,
    "statistics.pvariance": _STATISTIC,
    "statistics.quantiles": _STATISTIC,
    "statistics.stdev": _STATISTIC,
    "statistics.variance": _STATISTIC,
    "struct.Struct": "refuses formats larger than the memory budget",
    "struct.pack": "refuses formats larger than the memory budget",
    "textwrap.indent": _SIZED,
    "random.Random": "the sandbox's own subclass: randbytes(), "
    "getrandbits(), choices() and sample() are sized",
    "decimal.Decimal": "the sandbox's own subclass: values whose leading "
    "digit lies beyond 1E±5,000 and integer operands of more than 16,613 "
    "bits are refused; every method returns the subclass after the same "
    "check, and the methods that expand a value check it first",
    "fractions.Fraction": "the sandbox's own subclass: text and Decimals "
    "whose exponent would make a numerator or denominator pass INT_BITS "
    "are refused (Fraction(), from_decimal()); isinstance() accepts the "
    "real Fractions its arithmetic returns",
    "enum.Enum": _CHECKED_ENUM,
    "enum.Flag": _CHECKED_ENUM,
    "enum.IntEnum": _CHECKED_ENUM,
    "enum.IntFlag": _CHECKED_ENUM,
    "enum.StrEnum": _CHECKED_ENUM,
    "typing.final": "marks only the plugin's own objects",
    "typing.overload": "keeps no registry: returns the stub that raises",
    **EXTRA_WRAPPED,
}

# What the guarded version of each name in GUARDED_ATTRIBUTES forbids.
GUARDED_REASONS: Final[dict[str, str]] = {
    "__add__": "sized like +",
    "__class__": "what type() answers, stand-ins included",
    "__dict__": "only of the plugin's own objects; a class's as a copy "
    "without the ownership mark or the dict descriptors",
    "__func__": "only of methods of the plugin's own functions",
    "__getattr__": "looks names up only on the plugin's own objects, "
    "checked by the attribute guard",
    "__getattribute__": "looks names up only on the plugin's own objects, "
    "checked by the attribute guard",
    "__new__": "builds instances of the plugin's own classes only",
    "__self__": "only of methods of the plugin's own functions or objects",
    "__wrapped__": "only of the plugin's own wrappers, or of wrappers of "
    "its own functions",
    "__format__": "the spec's width and precision are checked",
    "__iadd__": "sized like +=",
    "__ilshift__": "sized like <<=",
    "__imod__": "sized like %=",
    "__imul__": "sized like *=",
    "__ipow__": "sized like **=",
    "__lshift__": "sized like <<",
    "__mod__": "sized like %",
    "__mul__": "sized like *",
    "__pow__": "sized like **",
    "__radd__": "sized like +",
    "__rlshift__": "sized like <<",
    "__rmod__": "sized like %",
    "__rmul__": "sized like *",
    "__rpow__": "sized like **",
    "buffer_info": "refused on arrays: the buffer's address",
    "center": "padding: the width is checked against the memory budget",
    "elements": "Counter.elements(): refuses more items than the memory "
    "budget holds or C may drain unchecked",
    "expandtabs": "padding: the tab size is checked against the budget",
    "extend": _SIZED,
    "extendleft": _SIZED,
    "format": "fields ({0.attr}, {0[key]}) go through the attribute guard",
    "format_map": "fields ({0.attr}, {0[key]}) go through the attribute guard",
    "frombytes": _ARRAY_SIZED,
    "fromfile": "refused on arrays: a file object's read, called from C",
    "fromlist": _ARRAY_SIZED,
    "fromunicode": _ARRAY_SIZED,
    "join": _SIZED,
    "ljust": "padding: the width is checked against the memory budget",
    "register": "refused on a shared abstract base class",
    "replace": _SIZED,
    "rjust": "padding: the width is checked against the memory budget",
    "safe_substitute": "a template's values: their texts are bounded first",
    "sort": _KEYED,
    "substitute": "a template's values: their texts are bounded first",
    "to_bytes": "int.to_bytes(): the length is checked against the memory "
    "budget",
    "tofile": "refused on arrays: a file object's write, called from C",
    "tolist": "array.tolist(): a pointer an item is checked against the "
    "memory budget",
    "translate": _SIZED,
    "zfill": "padding: the width is checked against the memory budget",
}
