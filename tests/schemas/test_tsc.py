"""
The TypeScript declarations compile with ``tsc``, accept what the library
really makes, and refuse what it never would: one ``tsc`` run checks the
declarations ``acc-plugins schema --format typescript`` prints, the
examples' manifests, a host's tools and events, a published index, lines
marked ``@ts-expect-error`` that must not type-check, and declarations
of arbitrary schemas with values they must accept.

``tsc`` comes from npm's ``typescript`` package, installed once into a
cache folder (``ACC_PLUGINS_TEST_CACHE``, else the user cache); the test is
skipped only when npm is missing or cannot reach its registry.
"""

import copy
import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import platformdirs
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.schemas._jsonschemas import KEYS, SCHEMAS

from acc_plugins.cli import cli
from acc_plugins.schemas import DOCUMENTS, typescript
from acc_plugins.schemas._tstext import type_name


TYPESCRIPT = "typescript@7"
_NETWORK = ("ENOTFOUND", "ETIMEDOUT", "ECONNREFUSED", "EAI_AGAIN", "network")
_TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "noEmit": True,
        "target": "es2022",
        "module": "esnext",
        "moduleResolution": "bundler",
        "types": [],
    },
    "include": ["*.ts"],
}


def _cache() -> Path:
    base = os.environ.get(
        "ACC_PLUGINS_TEST_CACHE"
    ) or platformdirs.user_cache_dir("acc-plugins-tests")
    return Path(base) / TYPESCRIPT.replace("@", "-")


@pytest.fixture(name="tsc", scope="session")
def _tsc() -> Path:
    """
    ``tsc``, installed from npm into the cache on first use.
    """
    folder = _cache()
    tsc = folder / "node_modules" / ".bin" / "tsc"
    if tsc.exists():
        return tsc
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: cannot install tsc")
    folder.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(dir=folder.parent))
    done = subprocess.run(  # noqa: S603 -- npm, with fixed arguments
        [
            npm,
            "install",
            "--prefix",
            str(fresh),
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--no-package-lock",
            TYPESCRIPT,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        if any(word in done.stderr for word in _NETWORK):
            pytest.skip(f"npm cannot reach its registry: {done.stderr[-300:]}")
        pytest.fail(f"npm install {TYPESCRIPT} failed:\n{done.stderr}")
    try:
        fresh.rename(folder)  # whole or not at all, even if two sessions race
    except OSError:
        shutil.rmtree(fresh, ignore_errors=True)
    return tsc


def _ts(value: Any) -> str:
    # JSON, ASCII only, is a TypeScript expression on one line.
    return json.dumps(value, ensure_ascii=True)


def _bad(number: int, kind: str, why: str, value: Any) -> str:
    return (
        f"// @ts-expect-error -- {why}\n"
        f"export const bad{number}: {kind} = {_ts(value)};\n"
    )


def _mutated(value: Any, change: Any) -> Any:
    copied = copy.deepcopy(value)
    change(copied)
    return copied


def _refused(samples: Any) -> list[str]:
    """
    Values the types must refuse, each a real document with one thing
    wrong, on one line (the error must fall on the line after the mark).
    """
    manifest = samples.manifests["text-tools"]
    tool = next(t for t in samples.tools if t["schema"]["properties"])
    called = next(e for e in samples.events if e["name"] == "tool.called")
    changed = next(e for e in samples.events if e["name"] == "plugin.loaded")
    index = samples.index
    release = ("signed", "plugins", "text-tools", "versions")

    def at(document: Any, path: tuple[str, ...]) -> Any:
        for key in path:
            document = document[key]
        return next(iter(document.values())) if path == release else document

    cases = [
        (
            "PluginManifest",
            "kind outside its four",
            lambda m: m["plugin"].update(kind="gadget"),
        ),
        (
            "PluginManifest",
            "entry is required",
            lambda m: m["plugin"].pop("entry"),
        ),
        ("PluginManifest", "no unknown tables", lambda m: m.update(bogus={})),
        (
            "PluginManifest",
            "a limit is a number",
            lambda m: m.setdefault("limits", {}).update({"timeout-ms": "5s"}),
        ),
        (
            "PluginManifest",
            "an int setting's default is a number",
            lambda m: m["settings"]["default_width"].update(default="wide"),
        ),
        (
            "PluginManifest",
            "a secret has no default",
            lambda m: m["settings"]["default_width"].update(type="secret"),
        ),
        (
            "PluginManifest",
            "an enum setting lists its choices",
            lambda m: m["settings"]["default_width"].update(
                type="enum", default="a"
            ),
        ),
        (
            "ToolInfo",
            "arguments are closed",
            lambda t: t["schema"].update(additionalProperties=True),
        ),
        (
            "ToolInfo",
            "a JSON type by its name",
            lambda t: t["schema"]["properties"].update(x={"type": "text"}),
        ),
        (
            "ToolInfo",
            "no keyword outside the subset",
            lambda t: t["schema"]["properties"].update(x={"pattern": "a"}),
        ),
        (
            "HostEvent",
            "no unknown event",
            lambda e: e.update(name="plugin.exploded"),
        ),
        ("HostEvent", "tool.called has ms", lambda e: e["payload"].pop("ms")),
        (
            "HostEvent",
            "the source is the host",
            lambda e: e.update(source="text-tools"),
        ),
        (
            "HostEvent",
            "a payload of its own event",
            lambda e: e.update(payload={"plugin": "x", "root": "/"}),
        ),
        (
            "RegistryIndexFile",
            "the envelope is signed",
            lambda i: i.pop("signature"),
        ),
        (
            "RegistryIndexFile",
            "a size is a number",
            lambda i: at(i, release).update(size="12"),
        ),
        (
            "RegistryIndexFile",
            "yanked is a reason or null",
            lambda i: at(i, release).update(yanked=False),
        ),
    ]
    sources = {
        "PluginManifest": manifest,
        "ToolInfo": tool,
        "RegistryIndexFile": index,
    }
    lines = [
        _bad(n, kind, why, _mutated(sources.get(kind, called), change))
        for n, (kind, why, change) in enumerate(cases)
    ]
    state = _mutated(changed, lambda e: e["payload"].update(to="sleeping"))
    lines.append(_bad(len(cases), "HostEvent", "a lifecycle state", state))
    return lines


def _checks(samples: Any) -> str:
    names = ", ".join(
        sorted({*DOCUMENTS.values(), "EventPayloads", "PluginEvent"})
    )
    return (
        f'import type {{ {names} }} from "./acc";\n\n'
        f"export const manifests: PluginManifest[] = {_ts(list(samples.manifests.values()))};\n"
        f"export const tools: ToolInfo[] = {_ts(samples.tools)};\n"
        f"export const events: HostEvent[] = {_ts(samples.events)};\n"
        f"export const index: RegistryIndexFile = {_ts(samples.index)};\n"
        "export const mine: PluginEvent = "
        '{ name: "me.done", payload: [1], source: "me" };\n'
        "export function ms(event: HostEvent): number {\n"
        '  return event.name === "tool.called" ? event.payload.ms : 0;\n'
        "}\n"
        'export const payload: EventPayloads["plugin.reloaded"] = '
        '{ plugin: "x", root: "/" };\n\n' + "".join(_refused(samples))
    )


def _generated(folder: Path) -> int:
    """
    Write declarations of arbitrary schemas, each with values it accepts.
    """
    numbers = itertools.count()

    @settings(
        max_examples=40,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(SCHEMAS, KEYS, KEYS, st.data())
    def write(pair, root, name, data):
        schema, values = pair
        document = {"$ref": f"#/$defs/{name}", "$defs": {name: schema}}
        drawn = [data.draw(values) for _ in range(2)]
        assignments = "".join(
            f"export const v{n}: {type_name(root)} = {_ts(v)};\n"
            for n, v in enumerate(drawn)
        )
        (folder / f"gen{next(numbers)}.ts").write_text(
            f"// {_ts(document)}\n{typescript({root: document})}\n{assignments}"
        )

    write()
    return next(numbers)


@pytest.mark.tsc
def test_tsc_accepts_the_declarations_and_real_documents(
    tsc, samples, tmp_path
):
    """One tsc run: the declarations, real documents, refused ones, and
    the declarations of arbitrary schemas with their values."""
    printed = CliRunner().invoke(cli, ["schema", "--format", "typescript"])
    (tmp_path / "acc.d.ts").write_text(printed.stdout)
    (tmp_path / "checks.ts").write_text(_checks(samples))
    (tmp_path / "tsconfig.json").write_text(json.dumps(_TSCONFIG))
    count = _generated(tmp_path)

    done = subprocess.run(  # noqa: S603 -- the tsc installed above
        [str(tsc), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert printed.exit_code == 0
    assert count >= 10
    assert done.returncode == 0, _report(tmp_path, done.stdout + done.stderr)


def _report(folder: Path, errors: str) -> str:
    """
    tsc's errors, followed by each generated file they name.
    """
    named = sorted(set(re.findall(r"(gen\d+\.ts)\(", errors)))
    shown = "".join(
        f"\n--- {n} ---\n{(folder / n).read_text()}" for n in named
    )
    return errors + shown
