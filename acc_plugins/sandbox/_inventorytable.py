"""
The inventory's tables: the single paths no generic rule of
``_inventory`` covers, each with its reason (the values plugin code
commonly holds are in ``_inventoryreturned``).
"""

from __future__ import annotations

from typing import Final

from ._inventoryextra import (
    EXTRA_EXPLICIT,
    EXTRA_IMMUTABLE,
    EXTRA_MODULE_FUNCTIONS,
    EXTRA_WRAPPED,
)


# Why each rule of the attribute guard (_attrpolicy.ReadPolicy.refusal)
# refuses a name, and the built-ins the sandbox leaves out.
REFUSALS: Final[dict[str, str]] = {
    "array-method": "an array's buffer_info (an address), tofile and "
    "fromfile (a file object's methods called from C)",
    "forbidden-name": "FORBIDDEN_ATTRIBUTES: leads to frames, code or the "
    "class hierarchy",
    "left-out": "left out of the sandbox's built-ins",
    "mutating-dunder": "MUTATING_DUNDERS: refused on an object the plugin "
    "did not create",
    "private-name": "a private name of an object the plugin did not make",
    "shared-register": "register() on a shared abstract base class",
    "unreadable-dunder": "a dunder outside DESCRIPTIVE_DUNDERS and "
    "PROTOCOL_DUNDERS",
}

# Standard-library classes whose module and qualified name do not say how
# plugin code knows them.  (The sandbox's own stand-ins are named by the
# module member that hands them out.)
CLASS_NAMES: Final[dict[str, str]] = {
    "re.Match": "re.Match (stdlib)",
    "re.Pattern": "re.Pattern (stdlib)",
    "re.RegexFlag": "re.RegexFlag (stdlib)",
}

# Classes whose instances never change: their methods compute new values.
IMMUTABLE_CLASSES: Final = frozenset(
    {
        "types.MappingProxyType",
        "__future__._Feature",
        "bool",
        "bytes",
        "complex",
        "dataclasses._KW_ONLY_TYPE",
        "dataclasses._MISSING_TYPE",
        "datetime.date",
        "datetime.datetime",
        "datetime.time",
        "datetime.timedelta",
        "datetime.timezone",
        "datetime.tzinfo",
        "decimal.Decimal",
        "decimal.DecimalTuple",
        "enum.Enum",
        "enum.Flag",
        "float",
        "fractions.Fraction",
        "frozenset",
        "int",
        "property",
        "range",
        "re.Pattern (stdlib)",
        "slice",
        "str",
        "tuple",
        "types.DynamicClassAttribute",
        "types.GenericAlias",
        "types.UnionType",
        "uuid.UUID",
        *EXTRA_IMMUTABLE,
    }
)

# Mutable containers: their methods change only the container they are
# called on.
CONTAINER_CLASSES: Final = frozenset(
    {
        "bytearray",
        "collections.ChainMap",
        "collections.Counter",
        "collections.OrderedDict",
        "collections.UserDict",
        "collections.UserList",
        "collections.defaultdict",
        "collections.deque",
        "dict",
        "list",
        "set",
    }
)

# Module-level functions, by the module that defines them (their
# ``__module__``), and why those modules' functions are safe.
MODULE_FUNCTIONS: Final[dict[str, str]] = {
    "_bisect": "searches or inserts into the list it is given",
    "_functools": "calls the function it is given on the items it is given",
    "_hashlib": "makes a new hash object",
    "_heapq": "reorders or pops the list it is given",
    "_operator": "applies the operator, as plugin code could",
    "_struct": "reads a buffer by a format: the result is bounded by "
    "the buffer",
    "base64": "encodes or decodes: the result is proportional to the input",
    "builtins": "a built-in function of its arguments",
    "cmath": "a function of numbers",
    "contextlib": "wraps the plugin's generator function",
    "copy": "a shallow copy through the argument's own copy protocol",
    "dataclasses": "describes dataclass fields; writes nothing",
    "difflib": "compares the sequences it is given (in quadratic time, "
    "outside the budget's checks: the isolated tier's limits apply)",
    "enum": "reads an enumeration's members",
    "functools": "wraps a function in a cache of its own",
    "genericpath": "string arithmetic on paths (commonprefix)",
    "heapq": "merges or selects items of the iterables it is given",
    "itertools": "splits an iterator into independent ones",
    "json": "parses text into plain data; hooks run as plugin code",
    "json.decoder": "one step of the decoder: text and settings in, "
    "plain data out",
    "math": "a function of numbers",
    "posixpath": "string arithmetic on paths (the sandbox's os.path offers "
    "no function that touches the file system or the working directory)",
    "regex._main": "escapes text for a pattern",
    "statistics": "computes a statistic of the data it is given",
    "string": "capitalises words of text",
    "textwrap": "rewraps text: the result is proportional to it",
    "time": "reads a clock",
    "typing": "for type checkers: returns its argument",
    "unicodedata": "looks up the Unicode properties of text",
    "uuid": "makes a new UUID",
    **EXTRA_MODULE_FUNCTIONS,
}

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

_LIBRARY_PATTERN = (
    "the engine without a timeout, but only on the library's own fixed "
    "patterns, which the library runs on plugin text anyway"
)
_NAMES_TEXT = "the name is text it stores, not an attribute it reads"

_DECIMAL_EXPANDS = (
    "the sandbox's Decimal wraps it: it refuses to expand a value whose "
    "leading digit lies beyond 1E±5,000"
)

# Single paths that are safe for a reason of their own.
EXPLICIT: Final[dict[str, str]] = {
    "builtins.__build_class__": "run by class statements, whose metaclass "
    "hook checks the bases; plugin code cannot name it",
    "contextlib.contextmanager(own_generator)().gen": "the generator of "
    "the plugin's own function",
    "dataclasses.fields": "reads the field descriptions of its argument, "
    "not their values",
    "datetime.timezone": f"a fixed-offset time zone; {_NAMES_TEXT}",
    "decimal.Decimal.__ceil__": _DECIMAL_EXPANDS,
    "decimal.Decimal.__floor__": _DECIMAL_EXPANDS,
    "decimal.Decimal.__int__": _DECIMAL_EXPANDS,
    "decimal.Decimal.__round__": _DECIMAL_EXPANDS,
    "decimal.Decimal.__trunc__": _DECIMAL_EXPANDS,
    "decimal.Decimal.as_integer_ratio": f"{_DECIMAL_EXPANDS}, or whose "
    "digits reach below 1E-5,000",
    "enum.EnumType.__getitem__": "looks a member up in the enumeration's "
    "table of members, not an attribute",
    "enum.auto().value": "a placeholder constant",
    "functools.cache(own_generator).cache_parameters": "reports the "
    "cache's settings",
    "functools.cached_property(own_generator).lock": "the property's own "
    "re-entrant lock",
    "json.JSONDecoder().parse_constant": "the decoder's own setting: a "
    "class or function of text",
    "json.JSONDecoder().parse_float": "the decoder's own setting: float",
    "json.JSONDecoder().parse_int": "the decoder's own setting: int",
    "json.JSONDecoder().parse_string": "the decoder's own string scanner",
    "json.JSONDecoder().scan_once": "the decoder's own scanner; it reads "
    "fixed names of the context it is given",
    "os.fspath": "the text of a path: a str or bytes as it is, or what the "
    "object's own __fspath__ (plugin code) returns",
    "re.Pattern (stdlib).findall": _LIBRARY_PATTERN,
    "re.Pattern (stdlib).finditer": _LIBRARY_PATTERN,
    "re.Pattern (stdlib).fullmatch": _LIBRARY_PATTERN,
    "re.Pattern (stdlib).match": _LIBRARY_PATTERN,
    "re.Pattern (stdlib).scanner": _LIBRARY_PATTERN,
    "re.Pattern (stdlib).search": _LIBRARY_PATTERN,
    "re.Pattern (stdlib).split": _LIBRARY_PATTERN,
    "re.Pattern (stdlib).sub": _LIBRARY_PATTERN,
    "re.Pattern (stdlib).subn": _LIBRARY_PATTERN,
    "type(hashlib.sha256())": "the hash class: it makes no instances",
    "type(hashlib.sha3_256())": "the hash class: it makes no instances",
    "type(lambda: 0)": "the function class: calling it needs a code "
    "object, which plugin code cannot reach",
    "type(typing.Callable[[], int])": f"a typing alias; {_NAMES_TEXT}",
    "type(typing.List[int])": f"a typing alias; {_NAMES_TEXT}",
    "type(typing.Literal[0])": f"a typing alias; {_NAMES_TEXT}",
    "type(typing.NewType('N', int))": f"a typing marker; {_NAMES_TEXT}",
    "type(typing.Optional[int])": f"a typing alias; {_NAMES_TEXT}",
    "type(typing.TypeVar('T'))": f"a typing marker; {_NAMES_TEXT}",
    "typing.NamedTuple": "makes a named tuple class through the real "
    f"collections.namedtuple, not marked as the plugin's; {_NAMES_TEXT}",
    "typing.NewType": f"a marker for type checkers; {_NAMES_TEXT}",
    "typing.TypeVar": f"a marker for type checkers; {_NAMES_TEXT}",
    "typing.TypedDict": "makes a dict subclass whose fields are only "
    "annotations",
    "textwrap.TextWrapper.unicode_whitespace_trans": "frozen for the "
    "whole process (a read-only mapping): textwrap only reads it",
    "unicodedata.lookup": "finds a character by its Unicode name, not an "
    "attribute",
    "uuid.uuid3": f"hashes a namespace and a name; {_NAMES_TEXT}",
    "uuid.uuid5": f"hashes a namespace and a name; {_NAMES_TEXT}",
    **EXTRA_EXPLICIT,
}


# Known doors, open until the library closes them.
OPEN_DOORS: Final[dict[str, str]] = {}
