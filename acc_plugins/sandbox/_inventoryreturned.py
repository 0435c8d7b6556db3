"""
The values the inventory evaluates as plugin code: what plugin code
commonly holds although no module member is one.
"""

from __future__ import annotations

from typing import Final

from ._allowlist import ALLOWED_MODULES


# Expressions, evaluated as plugin code, whose values plugin code commonly
# holds although no module member is one: the inventory walks their
# classes and their own attributes.  ``own_generator`` and ``Own`` are
# defined by the plugin module that evaluates them.
RETURNED_VALUES: Final = (
    "(0).__eq__",
    "(x for x in ())",
    "Exception()",
    "Own().parent()",
    "array.array('b', [1])",
    "collections.Counter().items()",
    "collections.OrderedDict().items()",
    "collections.OrderedDict().keys()",
    "collections.OrderedDict().values()",
    "collections.deque().__iter__()",
    "contextlib.closing(None)",
    "contextlib.contextmanager(own_generator)()",
    "contextlib.nullcontext()",
    "contextlib.suppress()",
    "dataclasses.field()",
    "datetime.datetime.now()",
    "decimal.Decimal(1).as_tuple()",
    "difflib.Differ()",
    "difflib.SequenceMatcher()",
    "difflib.ndiff([], [])",
    "enum.auto()",
    "functools.cache(own_generator)",
    "functools.cached_property(own_generator)",
    "functools.partial(abs)",
    "hashlib.blake2b()",
    "hashlib.sha256()",
    "hashlib.sha3_256()",
    "int | str",
    "io.BytesIO()",
    "io.StringIO()",
    "iter('')",
    "iter(())",
    "iter(b'')",
    "iter(bytearray())",
    "iter(int, 1)",
    "iter(range(0))",
    "iter(set())",
    "iter([])",
    "iter({})",
    "iter({}.items())",
    "iter({}.values())",
    "itertools.count()",
    "itertools.repeat(0, 1)",
    "itertools.tee(())[0]",
    "json.JSONDecoder()",
    "json.JSONEncoder()",
    "lambda: 0",
    "list[int]",
    "logging.getLogger('x')",
    "next(itertools.groupby([0]))[1]",
    "object()",
    "random.Random()",
    "re.compile('a')",
    "re.finditer('a', 'a')",
    "re.match('a', 'a')",
    "reversed([])",
    "reversed({})",
    "slice(0)",
    "statistics.NormalDist()",
    "string.Template('')",
    "struct.Struct('i')",
    "struct.iter_unpack('i', b'')",
    "textwrap.TextWrapper()",
    "types.SimpleNamespace(a=1)",
    "typing.Annotated[int, 0]",
    "typing.Callable[[], int]",
    "typing.List[int]",
    "typing.Literal[0]",
    "typing.NewType('N', int)",
    "typing.Optional[int]",
    "typing.TypeVar('T')",
    "uuid.uuid4()",
    "{}.items()",
    "{}.keys()",
    "warnings.catch_warnings()",
    "{}.values()",
)


def sample_source() -> str:
    """
    A plugin module with one function per returned value.
    """
    top = sorted({name.partition(".")[0] for name in ALLOWED_MODULES})
    top.remove("__future__")
    lines = [
        f"import {', '.join(top)}",
        "def own_generator():",
        "    yield 0",
        "class Own:",
        "    def parent(self):",
        "        return super()",
    ]
    for number, expression in enumerate(RETURNED_VALUES):
        lines += [f"def sample_{number}():", f"    return ({expression})"]
    return "\n".join(lines) + "\n"
