"""Walk a nested JSON document, enumerate leaf paths and answer simple path
queries with wildcards, recursive descent and filters.

Exercises: json.loads/dumps, recursive generators with ``yield from``,
isinstance checks on builtins, match with mapping/sequence/class patterns,
regex parsing of a query language, str.format and %-formatting,
functools.reduce, collections.Counter and ChainMap, sorted with tuple keys.
"""

import json
import re
from collections import ChainMap, Counter
from functools import reduce

DOCUMENT = """
{
  "store": {
    "name": "Corner Books",
    "open": true,
    "books": [
      {"title": "Sayings", "author": "Nigel", "price": 8.95, "tags": ["quotes"]},
      {"title": "Sword", "author": "Evelyn", "price": 12.99, "tags": ["fiction", "war"]},
      {"title": "Moby", "author": "Herman", "price": 8.99, "isbn": "0-553-21311-3",
       "tags": ["fiction", "sea"]},
      {"title": "Rings", "author": "Tolkien", "price": 22.99, "isbn": "0-395-19395-8",
       "tags": ["fiction", "fantasy"]}
    ],
    "bicycle": {"color": "red", "price": 19.95, "gears": null}
  },
  "staff": [
    {"name": "ann", "roles": ["owner", "clerk"], "hours": 40},
    {"name": "ben", "roles": ["clerk"], "hours": 22}
  ],
  "version": 3
}
"""

SEGMENT_RE = re.compile(r"\.\.|\.([A-Za-z_][\w]*|\*)|\[(\d+|\*|\?\((\w+)\s*([<>]=?|==)\s*([\w.\"]+)\))\]")


def walk(node, path=()):
    """Yield (path, leaf_value) pairs in document order."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, path + (index,))
    else:
        yield path, node


def descendants(node):
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from descendants(value)
    elif isinstance(node, list):
        for value in node:
            yield from descendants(value)


def kind_of(value) -> str:
    match value:
        case None:
            return "null"
        case bool():
            return "bool"
        case int() | float():
            return "number"
        case str():
            return "string"
    return "other"


def format_path(path) -> str:
    parts = ["$"]
    for p in path:
        parts.append("[%d]" % p if isinstance(p, int) else ".{}".format(p))
    return "".join(parts)


def compile_query(query: str):
    if not query.startswith("$"):
        raise ValueError("query must start with $")
    steps, pos = [], 1
    while pos < len(query):
        m = SEGMENT_RE.match(query, pos)
        if m is None:
            raise ValueError(f"bad query near {query[pos:]!r}")
        text = m.group(0)
        if text == "..":
            steps.append(("recurse",))
        elif m.group(1) is not None:
            steps.append(("key", m.group(1)))
        elif m.group(3) is not None:
            steps.append(("filter", m.group(3), m.group(4), json.loads(m.group(5))))
        else:
            inner = m.group(2)
            steps.append(("index", "*" if inner == "*" else int(inner)))
        # ".." leaves its second dot in place so ".price" can follow it
        pos = m.start() + 1 if text == ".." else m.end()
    return steps


def _compare(left, op, right) -> bool:
    match op:
        case "<":
            return left < right
        case "<=":
            return left <= right
        case ">":
            return left > right
        case ">=":
            return left >= right
        case "==":
            return left == right
    return False


def apply_step(nodes, step):
    for node in nodes:
        match step, node:
            case ("recurse",), _:
                yield from descendants(node)
            case ("key", "*"), dict():
                yield from node.values()
            case ("key", name), {**entries} if name in entries:
                yield entries[name]
            case ("index", "*"), list():
                yield from node
            case ("index", int(i)), list() if -len(node) <= i < len(node):
                yield node[i]
            case ("filter", key, op, value), list():
                for item in node:
                    if isinstance(item, dict) and key in item and _compare(item[key], op, value):
                        yield item
            case _:
                continue


def query(doc, q):
    return list(reduce(apply_step, compile_query(q), [doc]))


QUERIES = [
    "$.store.name",
    "$.store.books[*].author",
    "$..price",
    "$.store.books[?(price < 10)].title",
    "$.store.books[2].tags[1]",
    "$..isbn",
    "$.staff[?(hours >= 30)].name",
    "$.store.*.color",
    "$..roles[0]",
    "$.missing.thing",
]


def main() -> object:
    doc = json.loads(DOCUMENT)
    leaves = list(walk(doc))
    type_counts = Counter(kind_of(v) for _, v in leaves)
    answers = {q: query(doc, q) for q in QUERIES}
    deepest = max(leaves, key=lambda pv: (len(pv[0]), format_path(pv[0])))
    total_price = round(sum(query(doc, "$..price")), 2)
    try:
        compile_query("$.store[abc]")
        bad = None
    except ValueError as exc:
        bad = str(exc)
    defaults = {"color": "black", "gears": 1, "wheels": 2}
    bike = ChainMap({"owner": "ann"}, doc["store"]["bicycle"], defaults)
    bike["bell"] = True
    tag_counts = Counter(t for t in query(doc, "$.store.books[*].tags[*]"))
    return {
        "leaf_count": len(leaves),
        "first_paths": [format_path(p) for p, _ in leaves[:6]],
        "type_counts": dict(sorted(type_counts.items())),
        "answers": answers,
        "deepest": format_path(deepest[0]),
        "total_price": total_price,
        "bad_query": bad,
        "top_tags": tag_counts.most_common(2),
        "bike": dict(sorted(bike.items())),
        "bike_layers": [sorted(m) for m in bike.maps],
        "roundtrip": json.loads(json.dumps(doc, sort_keys=True)) == doc,
        "compact_len": len(json.dumps(doc, separators=(",", ":"), sort_keys=True)),
    }
