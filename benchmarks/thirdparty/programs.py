"""
The pyperformance programs, each dropped unchanged into a plugin folder
beside a small stand-in for ``pyperf``.

The sdist is downloaded from PyPI at run time.  The one line changed in
each program is its ``if __name__ == "__main__":``, which becomes
``def bench_main():`` so that the benchmark can be called more than once
(plugin modules never run as ``__main__``); the body under it and every
other line stay as published.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from thirdparty._fetch import download, read_archive
from thirdparty._outcome import Outcome, compare_folder


if TYPE_CHECKING:
    from pathlib import Path


PYPERFORMANCE = "pyperformance==1.11.0"

# The twenty programs: pure Python, no data files, no third-party imports.
PROGRAMS: dict[str, str] = {
    "chaos": "floats, classes and random: a chaos-game fractal",
    "coroutines": "generator-based coroutines, recursive",
    "deepcopy": "copy.deepcopy of dicts, lists, dataclasses",
    "deltablue": "object-heavy constraint solver",
    "fannkuch": "list permutations and slicing",
    "float": "float arithmetic and math functions on objects",
    "generators": "a tree walked with generators and yield from",
    "go": "a Go-playing engine: classes, random, lists",
    "hexiom": "a puzzle solver, with io.StringIO output",
    "json_dumps": "json.dumps of nested data",
    "logging": "the logging module into an io.StringIO",
    "mdp": "Fraction arithmetic in a Markov decision process",
    "nbody": "float arithmetic on tuples in a loop",
    "nqueens": "generators, permutations and sets",
    "pidigits": "big-integer arithmetic",
    "raytrace": "floats and small vector classes",
    "regex_v8": "the V8 regular-expression workload",
    "richards": "task scheduler: attribute-heavy class code",
    "scimark": "array module and float loops (SOR, FFT, LU...)",
    "spectral_norm": "float products in nested loops",
}

# Argument defaults made smaller so that the twenty run in about a
# minute both ways; bench_time_func's loops are set to one.
SIZES: dict[str, dict[str, int]] = {
    "chaos": {"iterations": 500},
    "hexiom": {"level": 10},
    "nbody": {"iterations": 2000},
    "pidigits": {"digits": 500},
    "raytrace": {"width": 30, "height": 30},
}

STAND_IN = '''"""
A stand-in for pyperf, written for the acc_plugins benchmarks: it calls
each benchmark a fixed number of times and measures nothing itself.
"""

LOOPS = 1
SIZES = {sizes}


def perf_counter():
    return 0.0


class Options:
    pass


class ArgumentParser:
    def __init__(self):
        self.defaults = {{}}

    def add_argument(self, *names, **options):
        dest = options.get("dest") or names[0].lstrip("-").replace("-", "_")
        self.defaults[dest] = SIZES.get(dest, options.get("default"))

    def parse_args(self, args=None):
        options = Options()
        for name, value in self.defaults.items():
            setattr(options, name, value)
        return options


class Runner:
    def __init__(self, *args, **kwargs):
        self.metadata = {{}}
        self.argparser = ArgumentParser()

    def parse_args(self, args=None):
        return self.argparser.parse_args(args)

    def bench_func(self, name, func, *args, **kwargs):
        for _ in range(LOOPS):
            func(*args)

    def bench_time_func(self, name, func, *args, **kwargs):
        return func(LOOPS, *args)
'''

_MAIN = re.compile(
    r"""^if __name__ == ['"]__main__['"]:[ \t]*$""", re.MULTILINE
)


def _program_folder(name: str, files: dict[str, bytes], root: Path) -> Path:
    suffix = f"/pyperformance/data-files/benchmarks/bm_{name}/run_benchmark.py"
    sources = [data for path, data in files.items() if path.endswith(suffix)]
    if not sources:
        msg = f"no bm_{name}/run_benchmark.py in the pyperformance sdist"
        raise LookupError(msg)
    source, found = _MAIN.subn("def bench_main():", sources[0].decode())
    if found != 1:
        msg = f"bm_{name} has {found} __main__ blocks, expected one"
        raise LookupError(msg)
    folder = root / name
    folder.mkdir(parents=True)
    (folder / f"bm_{name}.py").write_text(source)
    (folder / "pyperf.py").write_text(
        STAND_IN.format(sizes=SIZES.get(name, {}))
    )
    return folder


def bench_programs(cache: Path, root: Path, *, rounds: int) -> list[Outcome]:
    """
    Every program of ``PROGRAMS``, plain against sandboxed.

    Raises:
        RuntimeError: If the sdist cannot be downloaded.
    """
    files = read_archive(download(PYPERFORMANCE, cache, source=True))
    outcomes = []
    for name in PROGRAMS:
        try:
            folder = _program_folder(name, files, root)
        except LookupError as exc:
            outcomes.append(Outcome(name, error=str(exc), fetched=False))
            continue
        outcomes.append(
            compare_folder(
                name, folder, f"bm_{name}", "bench_main", rounds=rounds
            )
        )
    return outcomes
