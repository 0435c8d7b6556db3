"""
The import gate's allowlist: standard-library modules a plugin may import,
each exposed as a read-only proxy with only the members listed here.

A real module leads to others through its attributes (``json.codecs``,
``typing.sys``, ``re.enum``), so a proxy never hands out a module, and no
member offers attribute traversal by name (``operator.attrgetter``,
``operator.methodcaller``, ``string.Formatter``), evaluation of text
(``typing.get_type_hints``, ``functools.singledispatch``) or process-wide
state (``decimal.getcontext``, the module-level ``random`` functions, which
are bound to a per-plugin ``random.Random`` instead).
"""

from __future__ import annotations

import functools
import importlib
import math
import types
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, final


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


_MATH_MEMBERS: Final = tuple(
    sorted(name for name in vars(math) if not name.startswith("_"))
)

ALLOWED_MODULES: Final[Mapping[str, tuple[str, ...]]] = {
    "__future__": ("annotations",),
    "abc": ("ABC", "abstractmethod"),
    "base64": (
        "b16decode",
        "b16encode",
        "b32decode",
        "b32encode",
        "b64decode",
        "b64encode",
        "standard_b64decode",
        "standard_b64encode",
        "urlsafe_b64decode",
        "urlsafe_b64encode",
    ),
    "bisect": (
        "bisect",
        "bisect_left",
        "bisect_right",
        "insort",
        "insort_left",
        "insort_right",
    ),
    "cmath": (
        "cos",
        "e",
        "exp",
        "inf",
        "isclose",
        "log",
        "phase",
        "pi",
        "polar",
        "rect",
        "sin",
        "sqrt",
        "tau",
    ),
    "collections": (
        "ChainMap",
        "Counter",
        "OrderedDict",
        "UserDict",
        "UserList",
        "UserString",
        "defaultdict",
        "deque",
        "namedtuple",
    ),
    "collections.abc": (
        "Callable",
        "Collection",
        "Container",
        "Generator",
        "Hashable",
        "ItemsView",
        "Iterable",
        "Iterator",
        "KeysView",
        "Mapping",
        "MutableMapping",
        "MutableSequence",
        "MutableSet",
        "Reversible",
        "Sequence",
        "Set",
        "Sized",
        "ValuesView",
    ),
    "contextlib": ("closing", "contextmanager", "nullcontext", "suppress"),
    "copy": ("copy", "deepcopy"),
    "dataclasses": (
        "KW_ONLY",
        "MISSING",
        "FrozenInstanceError",
        "InitVar",
        "asdict",
        "astuple",
        "dataclass",
        "field",
        "fields",
        "is_dataclass",
        "replace",
    ),
    "datetime": (
        "MAXYEAR",
        "MINYEAR",
        "UTC",
        "date",
        "datetime",
        "time",
        "timedelta",
        "timezone",
        "tzinfo",
    ),
    "decimal": (
        "ROUND_05UP",
        "ROUND_CEILING",
        "ROUND_DOWN",
        "ROUND_FLOOR",
        "ROUND_HALF_DOWN",
        "ROUND_HALF_EVEN",
        "ROUND_HALF_UP",
        "ROUND_UP",
        "Decimal",
        "DecimalException",
        "DivisionByZero",
        "InvalidOperation",
    ),
    "difflib": (
        "Differ",
        "SequenceMatcher",
        "context_diff",
        "get_close_matches",
        "ndiff",
        "unified_diff",
    ),
    "enum": (
        "Enum",
        "Flag",
        "IntEnum",
        "IntFlag",
        "StrEnum",
        "auto",
        "unique",
    ),
    "fractions": ("Fraction",),
    "functools": (
        "cache",
        "cached_property",
        "cmp_to_key",
        "lru_cache",
        "partial",
        "reduce",
        "total_ordering",
        "wraps",
    ),
    "hashlib": (
        "blake2b",
        "blake2s",
        "md5",
        "sha1",
        "sha224",
        "sha256",
        "sha384",
        "sha3_256",
        "sha3_512",
        "sha512",
    ),
    "heapq": (
        "heapify",
        "heappop",
        "heappush",
        "heappushpop",
        "heapreplace",
        "merge",
        "nlargest",
        "nsmallest",
    ),
    "itertools": (
        "accumulate",
        "chain",
        "combinations",
        "combinations_with_replacement",
        "compress",
        "count",
        "cycle",
        "dropwhile",
        "filterfalse",
        "groupby",
        "islice",
        "pairwise",
        "permutations",
        "product",
        "repeat",
        "starmap",
        "takewhile",
        "tee",
        "zip_longest",
    ),
    "json": (
        "JSONDecodeError",
        "JSONDecoder",
        "JSONEncoder",
        "dumps",
        "loads",
    ),
    "math": _MATH_MEMBERS,
    "operator": (
        "abs",
        "add",
        "and_",
        "concat",
        "contains",
        "countOf",
        "eq",
        "floordiv",
        "ge",
        "getitem",
        "gt",
        "index",
        "indexOf",
        "inv",
        "invert",
        "is_",
        "is_not",
        "itemgetter",
        "le",
        "lshift",
        "lt",
        "matmul",
        "mod",
        "mul",
        "ne",
        "neg",
        "not_",
        "or_",
        "pos",
        "pow",
        "rshift",
        "sub",
        "truediv",
        "truth",
        "xor",
    ),
    "pprint": ("pformat",),
    "random": (
        "Random",
        "betavariate",
        "choice",
        "choices",
        "expovariate",
        "gauss",
        "getrandbits",
        "randbytes",
        "randint",
        "random",
        "randrange",
        "sample",
        "seed",
        "shuffle",
        "triangular",
        "uniform",
    ),
    "re": (
        "ASCII",
        "DOTALL",
        "IGNORECASE",
        "MULTILINE",
        "Match",
        "NOFLAG",
        "Pattern",
        "RegexFlag",
        "UNICODE",
        "VERBOSE",
        "A",
        "I",
        "M",
        "S",
        "U",
        "X",
        "compile",
        "error",
        "escape",
        "findall",
        "finditer",
        "fullmatch",
        "match",
        "search",
        "split",
        "sub",
        "subn",
    ),
    "statistics": (
        "NormalDist",
        "StatisticsError",
        "fmean",
        "geometric_mean",
        "harmonic_mean",
        "mean",
        "median",
        "median_high",
        "median_low",
        "mode",
        "multimode",
        "pstdev",
        "pvariance",
        "quantiles",
        "stdev",
        "variance",
    ),
    "string": (
        "Template",
        "ascii_letters",
        "ascii_lowercase",
        "ascii_uppercase",
        "capwords",
        "digits",
        "hexdigits",
        "octdigits",
        "printable",
        "punctuation",
        "whitespace",
    ),
    "struct": ("Struct", "calcsize", "error", "iter_unpack", "pack", "unpack"),
    "textwrap": ("TextWrapper", "dedent", "fill", "indent", "shorten", "wrap"),
    "time": (
        "monotonic",
        "monotonic_ns",
        "perf_counter",
        "perf_counter_ns",
        "time",
        "time_ns",
    ),
    "typing": (
        "TYPE_CHECKING",
        "Annotated",
        "Any",
        "AnyStr",
        "Callable",
        "ClassVar",
        "Dict",
        "Final",
        "FrozenSet",
        "Generator",
        "Generic",
        "Iterable",
        "Iterator",
        "List",
        "Literal",
        "Mapping",
        "MutableMapping",
        "MutableSequence",
        "NamedTuple",
        "Never",
        "NewType",
        "NoReturn",
        "Optional",
        "Protocol",
        "Self",
        "Sequence",
        "Set",
        "Tuple",
        "Type",
        "TypeVar",
        "TypedDict",
        "Union",
        "cast",
        "final",
        "overload",
    ),
    "unicodedata": (
        "bidirectional",
        "category",
        "combining",
        "decimal",
        "digit",
        "east_asian_width",
        "is_normalized",
        "lookup",
        "mirrored",
        "name",
        "normalize",
        "numeric",
        "unidata_version",
    ),
    "uuid": (
        "NAMESPACE_DNS",
        "NAMESPACE_OID",
        "NAMESPACE_URL",
        "UUID",
        "uuid3",
        "uuid4",
        "uuid5",
    ),
}


@final
class ModuleProxy:
    """
    A read-only stand-in for a module: its allowed members and nothing else.
    """

    def __init__(self, name: str, members: Mapping[str, object]) -> None:
        namespace = object.__getattribute__(self, "__dict__")
        namespace.update(members)
        namespace["__name__"] = name

    def __setattr__(self, name: str, value: object) -> None:
        msg = f"sandbox module {self.__name__!r} is read-only"  # type: ignore[attr-defined]
        raise AttributeError(msg)

    def __delattr__(self, name: str) -> None:
        self.__setattr__(name, None)

    def __repr__(self) -> str:
        return f"<sandbox module {self.__name__!r}>"  # type: ignore[attr-defined]

    def __reduce_ex__(self, protocol: Any) -> Any:
        msg = "sandbox modules cannot be copied"
        raise TypeError(msg)


@functools.cache
def _shared_members(module_name: str) -> Mapping[str, object]:
    # Read once per process: the members themselves are immutable or
    # guarded, and each sandbox gets its own proxy object around them.
    module = importlib.import_module(module_name)
    members = {
        name: getattr(module, name) for name in ALLOWED_MODULES[module_name]
    }
    return types.MappingProxyType(members)


def _members(
    module_name: str,
    *,
    random_source: Any,
    mark_class: Callable[[type], None],
) -> dict[str, object]:
    members = dict(_shared_members(module_name))
    if module_name == "random":
        # Per-plugin generator: one plugin's seed() never moves the host's
        # or another plugin's random state.
        for name in members:
            if name != "Random":
                members[name] = getattr(random_source, name)
    if module_name == "collections":
        members["namedtuple"] = _owned_namedtuple(mark_class)
    return members


def _owned_namedtuple(
    mark_class: Callable[[type], None],
) -> Callable[..., type]:
    from collections import namedtuple  # noqa: PLC0415 -- wrapped here only

    def namedtuple_(typename: str, field_names: Any, **kwargs: Any) -> type:
        # The class is made by the standard library on the plugin's behalf;
        # marking it as the plugin's lets ``p._asdict()`` work.
        cls = namedtuple(typename, field_names, **kwargs)  # type: ignore[misc]  # noqa: PYI024 -- the functional form is the API being wrapped
        mark_class(cls)
        return cls

    return namedtuple_


def build_proxy(
    module_name: str,
    *,
    random_source: Any,
    mark_class: Callable[[type], None],
) -> ModuleProxy:
    """
    Build the proxy of one allowlisted module for one sandbox.

    Raises:
        KeyError: If the module is not allowlisted.
    """
    members = _members(
        module_name, random_source=random_source, mark_class=mark_class
    )
    return ModuleProxy(module_name, members)


def allowed_classes() -> frozenset[type]:
    """
    Every class the allowlist exposes: plugin classes may derive from these.
    """
    found: set[type] = set()
    for module_name, names in ALLOWED_MODULES.items():
        module = importlib.import_module(module_name)
        for name in names:
            value = getattr(module, name)
            if isinstance(value, type):
                found.add(value)
    return frozenset(found)
