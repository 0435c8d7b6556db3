"""
The inventory's tables: the single paths no generic rule of
``_inventoryrules`` covers, each with its reason (what the sandbox hands
out guarded is in ``_inventoryguarded``, the values plugin code commonly
holds in ``_inventoryreturned``).
"""

from __future__ import annotations

from typing import Final

from ._inventoryextra import (
    EXTRA_EXPLICIT,
    EXTRA_IMMUTABLE,
    EXTRA_MODULE_FUNCTIONS,
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
