"""
The import allowlist as literal tables: each standard-library module a
plugin may import, with the only members its proxy offers.  The modules of
the language, its runtime and numbers are listed here; data structures
(``_allowdata``) and text (``_allowtext``) have tables of their own, and
``ALLOWED_MODULES`` joins the three.

A real module leads to others through its attributes (``json.codecs``,
``typing.sys``, ``re.enum``), so a proxy never hands out a module, and no
member offers attribute traversal by name (``operator.attrgetter``,
``operator.methodcaller``, ``string.Formatter``), evaluation of text
(``typing.get_type_hints``, ``functools.singledispatch``) or process-wide
state (``decimal.getcontext``; the module-level ``random`` functions are
bound to a per-plugin ``random.Random`` instead).  ``logging``,
``warnings``, ``io``, ``array``, ``sys``, ``types`` and ``html`` list
members the sandbox builds for each plugin (``_extramodules``) beside
plain facts: the names exist in the real modules, but plugin code never
gets a real object that holds state or builds code.
"""

from __future__ import annotations
import __future__

import math
from typing import TYPE_CHECKING, Final

from ._allowdata import DATA_MODULES
from ._allowtext import TEXT_MODULES


if TYPE_CHECKING:
    from collections.abc import Mapping


_MATH_MEMBERS: Final = tuple(
    sorted(name for name in vars(math) if not name.startswith("_"))
)

_FUTURE_FEATURES: Final = tuple(sorted(__future__.all_feature_names))

# The members of ``logging`` the sandbox builds for each plugin (see
# ``_logging``): the names exist in the real module too.
_LOGGING_MEMBERS: Final = (
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "FATAL",
    "Formatter",
    "Handler",
    "INFO",
    "Logger",
    "NOTSET",
    "NullHandler",
    "StreamHandler",
    "WARN",
    "WARNING",
    "basicConfig",
    "critical",
    "debug",
    "disable",
    "error",
    "exception",
    "getLevelName",
    "getLogger",
    "info",
    "log",
    "warning",
)

# Modules of the language and its runtime, and of numbers.
_CORE_MODULES: Final[Mapping[str, tuple[str, ...]]] = {
    "__future__": _FUTURE_FEATURES,
    "abc": ("ABC", "abstractmethod"),
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
    "contextlib": ("closing", "contextmanager", "nullcontext", "suppress"),
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
    "fractions": ("Fraction",),
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
    "io": (
        "SEEK_CUR",
        "SEEK_END",
        "SEEK_SET",
        "BytesIO",
        "StringIO",
        "UnsupportedOperation",
    ),
    "logging": _LOGGING_MEMBERS,
    "math": _MATH_MEMBERS,
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
    "sys": (
        "byteorder",
        "float_info",
        "getdefaultencoding",
        "getrecursionlimit",
        "hexversion",
        "int_info",
        "maxsize",
        "maxunicode",
        "platform",
        "stderr",
        "stdout",
        "version_info",
    ),
    "time": (
        "altzone",
        "asctime",
        "ctime",
        "daylight",
        "gmtime",
        "localtime",
        "mktime",
        "monotonic",
        "monotonic_ns",
        "perf_counter",
        "perf_counter_ns",
        "strftime",
        "struct_time",
        "time",
        "time_ns",
        "timezone",
        "tzname",
    ),
    "types": (
        "AsyncGeneratorType",
        "BuiltinFunctionType",
        "BuiltinMethodType",
        "CoroutineType",
        "EllipsisType",
        "FunctionType",
        "GeneratorType",
        "GenericAlias",
        "LambdaType",
        "MappingProxyType",
        "MethodType",
        "ModuleType",
        "NoneType",
        "NotImplementedType",
        "SimpleNamespace",
        "UnionType",
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
    "uuid": (
        "NAMESPACE_DNS",
        "NAMESPACE_OID",
        "NAMESPACE_URL",
        "UUID",
        "uuid3",
        "uuid4",
        "uuid5",
    ),
    "warnings": (
        "catch_warnings",
        "filterwarnings",
        "resetwarnings",
        "simplefilter",
        "warn",
    ),
}

# Every family (``_allowdata``, ``_allowtext`` and the one above) in one
# table, sorted by module name.
ALLOWED_MODULES: Final[Mapping[str, tuple[str, ...]]] = dict(
    sorted({**_CORE_MODULES, **DATA_MODULES, **TEXT_MODULES}.items())
)
