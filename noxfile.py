"""
Automation: ``nox -l`` lists the sessions.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nox


nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["tests", "lint", "typecheck"]

PYTHONS = ["3.11", "3.12", "3.13"]

# The stress session: busy processes beside the suite, as on a loaded
# two-core CI machine, and how many times the suite must pass there.
STRESS_HOGS = 2
STRESS_RUNS = 3

# Attack programs the fuzz session composes (CI runs a few dozen).
FUZZ_EXAMPLES = "5000"


def _install(session: nox.Session, *extras: str) -> None:
    spec = f".[{','.join(extras)}]" if extras else "."
    # compat: a plain path entry, which type checkers follow (the
    # default editable install is an import hook they cannot).
    session.install("-e", spec, "--config-settings", "editable_mode=compat")


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """
    Run the test suite under coverage.
    """
    _install(session, "test")
    session.run("coverage", "run", "-p", "-m", "pytest", *session.posargs)


@nox.session
def stress(session: nox.Session) -> None:
    """
    Run the test suite three times beside two CPU hogs.

    The timing tests must hold on a loaded machine.  Arguments go to
    pytest (``nox -s stress -- tests/sandbox``).
    """
    _install(session, "test")
    hogs = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(STRESS_HOGS)
    ]
    try:
        for run in range(1, STRESS_RUNS + 1):
            session.log(f"run {run} of {STRESS_RUNS}, {STRESS_HOGS} hogs")
            session.run(
                "pytest", "-p", "no:cacheprovider", "-q", *session.posargs
            )
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


@nox.session
def fuzz(session: nox.Session) -> None:
    """
    Run the sandbox's attack fuzzer with a large budget.

    ``ACC_FUZZ_EXAMPLES`` sets how many programs it composes (5000 by
    default; CI runs a few dozen).
    """
    _install(session, "test")
    examples = os.environ.get("ACC_FUZZ_EXAMPLES", FUZZ_EXAMPLES)
    session.run(
        "pytest",
        "-p",
        "no:cacheprovider",
        "tests/security/test_fuzz_attacks.py",
        *session.posargs,
        env={"ACC_FUZZ_EXAMPLES": examples},
    )


@nox.session
def coverage(session: nox.Session) -> None:
    """
    Combine coverage data and report it.
    """
    session.install("coverage[toml]")
    session.run("coverage", "combine", success_codes=[0, 1])
    session.run("coverage", "report")


@nox.session
def lint(session: nox.Session) -> None:
    """
    ruff check and ruff format --check.
    """
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def template(session: nox.Session) -> None:
    """
    Bake every kind of the plugin template; run validate, scan and its
    tests (tests/test_template.py), then ruff on what it made, with
    ruff's defaults, as a plugin author's checkout has them.
    """
    _install(session, "test")
    session.install("ruff")
    session.run("pytest", "-p", "no:cacheprovider", "tests/test_template.py")
    baked = Path(session.create_tmp()) / "baked"
    shutil.rmtree(baked, ignore_errors=True)
    for kind in ("tool", "agent", "workflow", "basic"):
        session.run(
            "acc-plugins",
            "new",
            f"baked-{kind}",
            "--template",
            kind,
            "--no-input",
            "--output-dir",
            str(baked),
        )
    session.run("ruff", "check", "--isolated", str(baked))
    session.run("ruff", "format", "--isolated", "--check", str(baked))


@nox.session
def typecheck(session: nox.Session) -> None:
    """
    mypy --strict over the package, tests, benchmarks and this file.
    """
    _install(session, "test", "lint")
    session.run("mypy")
    session.run(
        "bash",
        ".ci/typecheck-examples",
        env={"MYPY": "mypy"},
        external=True,
    )


@nox.session
def docs(session: nox.Session) -> None:
    """
    Build the documentation site with mkdocs build --strict.
    """
    _install(session, "docs")
    session.run(
        "mkdocs",
        "build",
        "--strict",
        *session.posargs,
        env={"NO_MKDOCS_2_WARNING": "1"},
    )


@nox.session
def bench(session: nox.Session) -> None:
    """
    Run the benchmarks and print the table (see docs/performance.md).

    Arguments go to benchmarks/run.py (``nox -s bench -- --quick``).
    """
    _install(session, "test")
    # The third-party group downloads with pip, which a uv venv lacks.
    session.install("pip")
    session.run("python", "benchmarks/run.py", *session.posargs)
