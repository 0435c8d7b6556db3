"""
Small pure-Python modules from PyPI, each dropped unchanged into a plugin
folder beside a short driver of ours that exercises it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from thirdparty._fetch import download, read_archive
from thirdparty._outcome import Outcome, compare_folder, describe


if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class Module:
    """
    One PyPI module and how to drive it.

    Attributes:
        requirement: The pinned requirement pip downloads.

        take: The archive's paths (files, or folders ending in ``/``)
            copied into the plugin folder, with *strip* removed.

        strip: A leading part of those paths not to keep.

        driver: The source of ``driver.py``, whose ``main()`` is timed.
    """

    requirement: str
    take: tuple[str, ...]
    driver: str
    strip: str = ""


MODULES: dict[str, Module] = {
    "tabulate": Module(
        "tabulate==0.9.0",
        ("tabulate/",),
        """
from tabulate import tabulate

ROWS = [[f"item {n}", n, n * 1.5, n % 3 == 0, None] for n in range(30)]
HEADERS = ["name", "n", "x", "flag", "empty"]


def main():
    return [
        tabulate(ROWS, headers=HEADERS, tablefmt=style, floatfmt=".2f")
        for style in ("plain", "simple", "grid", "pipe", "html", "rst")
    ]
""",
    ),
    "inflection": Module(
        "inflection==0.5.1",
        ("inflection/",),
        """
import inflection

WORDS = ["person", "octopus", "CamelCaseWord", "some_snake_case",
         "Category", "news", "matrix", "status", "axis", "quiz"]


def main():
    out = []
    for _ in range(5):
        for word in WORDS:
            out.append([
                inflection.pluralize(word),
                inflection.singularize(word),
                inflection.underscore(word),
                inflection.camelize(word),
                inflection.titleize(word),
                inflection.parameterize(word + " Ünïcödé"),
                inflection.ordinalize(len(word)),
            ])
    return out
""",
    ),
    "roman": Module(
        "roman==4.2",
        ("roman.py",),
        """
import roman


def main():
    round_trips = 0
    for number in range(1, 1500):
        if roman.fromRoman(roman.toRoman(number)) == number:
            round_trips += 1
    return [round_trips, roman.toRoman(1987)]
""",
    ),
    "toml": Module(
        "toml==0.10.2",
        ("toml/",),
        '''
import toml

DOCUMENT = """
title = "TOML example"
numbers = [1, 2, 3]
ratios = [0.5, 1.5]

[owner]
name = "Tom"
active = true

[database]
server = "192.168.1.1"
ports = [8001, 8001, 8002]
connection_max = 5000

[servers.alpha]
ip = "10.0.0.1"
dc = "eqdc10"

[servers.beta]
ip = "10.0.0.2"
dc = "eqdc10"

[[products]]
name = "Hammer"
sku = 738594937

[[products]]
name = "Nail"
sku = 284758393
color = "gray"
"""


def main():
    text = ""
    for _ in range(10):
        text = toml.dumps(toml.loads(DOCUMENT))
    return text
''',
    ),
    "jsonpointer": Module(
        "jsonpointer==2.4",
        ("jsonpointer.py",),
        """
from jsonpointer import JsonPointer, resolve_pointer, set_pointer

DOCUMENT = {"users": [{"name": f"u{n}", "tags": ["a", "b"], "n": n}
                      for n in range(20)],
            "a/b": {"m~n": 1}}


def main():
    found = []
    for n in range(20):
        found.append(resolve_pointer(DOCUMENT, f"/users/{n}/name"))
        found.append(resolve_pointer(DOCUMENT, f"/users/{n}/tags/1"))
        found.append(resolve_pointer(DOCUMENT, "/a~1b/m~0n"))
        found.append(resolve_pointer(DOCUMENT, "/missing", None))
        pointer = JsonPointer(f"/users/{n}/n")
        found.append(pointer.parts)
        changed = set_pointer(DOCUMENT, f"/users/{n}/n", n * 2, inplace=False)
        found.append(changed["users"][n]["n"])
    return found
""",
    ),
    "isodate": Module(
        "isodate==0.7.2",
        ("isodate/",),
        """
import isodate

DATES = ["2024-03-01", "1999-12-31", "2024-W10-5", "2024-060"]
TIMES = ["12:30:15", "23:59:59.5+01:00", "T0815Z"]
DURATIONS = ["P1Y2M10DT2H30M", "PT36H", "P3W", "-P2DT1M"]


def main():
    out = []
    for _ in range(10):
        out.extend(isodate.date_isoformat(isodate.parse_date(d))
                   for d in DATES)
        out.extend(isodate.time_isoformat(isodate.parse_time(t))
                   for t in TIMES)
        out.extend(isodate.duration_isoformat(isodate.parse_duration(d))
                   for d in DURATIONS)
        out.append(isodate.datetime_isoformat(
            isodate.parse_datetime("2024-03-01T12:30:00Z")))
    return out
""",
    ),
    "docopt": Module(
        "docopt==0.6.2",
        ("docopt-0.6.2/docopt.py",),
        """
from docopt import docopt

USAGE = '''Naval Fate.

Usage:
  naval_fate ship new <name>...
  naval_fate ship <name> move <x> <y> [--speed=<kn>]
  naval_fate mine (set|remove) <x> <y> [--moored | --drifting]
  naval_fate -h | --help

Options:
  --speed=<kn>  Speed in knots [default: 10].
  --moored      Moored (anchored) mine.
  --drifting    Drifting mine.
'''

COMMANDS = [["ship", "new", "a", "b"],
            ["ship", "x", "move", "1", "2", "--speed=20"],
            ["mine", "set", "3", "4", "--drifting"]]


def main():
    return [sorted(docopt(USAGE, argv=argv).items())
            for _ in range(5) for argv in COMMANDS]
""",
        strip="docopt-0.6.2/",
    ),
}


def _module_folder(
    module: Module, files: dict[str, bytes], folder: Path
) -> None:
    copied = 0
    for path, data in files.items():
        if not any(
            path == wanted
            or (wanted.endswith("/") and path.startswith(wanted))
            for wanted in module.take
        ):
            continue
        target = folder / path.removeprefix(module.strip)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        copied += 1
    if not copied:
        msg = f"{module.requirement}: none of {module.take} in its archive"
        raise LookupError(msg)
    (folder / "driver.py").write_text(module.driver.lstrip())


def bench_modules(cache: Path, root: Path, *, rounds: int) -> list[Outcome]:
    """
    Every module of ``MODULES``, plain against sandboxed; one that cannot
    be downloaded is reported as such.
    """
    outcomes = []
    for name, module in MODULES.items():
        folder = root / name
        folder.mkdir(parents=True)
        try:
            files = read_archive(download(module.requirement, cache))
            _module_folder(module, files, folder)
        except Exception as exc:  # noqa: BLE001 -- reported; the others still run
            outcomes.append(Outcome(name, error=describe(exc), fetched=False))
            continue
        outcomes.append(
            compare_folder(name, folder, "driver", "main", rounds=rounds)
        )
    return outcomes
