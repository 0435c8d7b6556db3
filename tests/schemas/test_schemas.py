"""
The JSON Schemas of tools, events and the registry index describe what
the library really makes, and the TypeScript is translated from them.
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from tests.market._indexes import indexes
from tests.schemas._validate import problems
from tests.sdk.strategies import ANNOTATIONS

import acc_plugins
from acc_plugins.cli import cli
from acc_plugins.manifest import manifest_json_schema
from acc_plugins.market._index import index_to_json
from acc_plugins.schemas import DOCUMENTS, json_schema, typescript
from acc_plugins.schemas._events import host_events
from acc_plugins.sdk._signature import (
    Parameter,
    ToolSignature,
    spec_from_annotation,
)


HOST = Path(acc_plugins.__file__).parent / "host"


@pytest.mark.parametrize("what", list(DOCUMENTS))
def test_each_schema_uses_only_keywords_the_validator_knows(what):
    """Every schema is checkable: a value of the wrong type is refused."""
    schema = json_schema(what)

    assert problems(schema, "not a document")


def test_the_examples_manifests_match_their_schema(samples):
    """plugin.toml of every example is valid by the manifest schema."""
    schema = json_schema("manifest")

    assert schema == {**manifest_json_schema()}
    for name, manifest in samples.manifests.items():
        assert problems(schema, manifest) == [], name


def test_the_tools_a_host_lists_match_their_schema(samples):
    """PluginHost.tools(), as --json prints them, are valid ToolInfos."""
    schema = json_schema("tools")

    assert len(samples.tools) > 5
    for tool in samples.tools:
        assert problems(schema, tool) == [], tool["name"]


def test_the_events_a_host_emits_match_their_schema(samples):
    """Every event of a host's run is valid, and every payload is seen."""
    schema = json_schema("events")
    catalogue = host_events()

    for event in samples.events:
        assert problems(schema, event) == [], event
    seen = {catalogue[event["name"]] for event in samples.events}
    assert seen == set(catalogue.values())


def test_every_event_name_the_host_emits_is_catalogued():
    """A literal event name in the host's code is in the catalogue."""
    names = {
        match[1]
        for path in HOST.rglob("*.py")
        for match in re.finditer(
            r'(?:emit\(\s*|EVENT = )"([a-z_]+\.[a-z_]+)"', path.read_text()
        )
    }

    assert names
    assert names <= set(host_events())


def test_a_published_index_matches_its_schema(samples):
    """index.json as `acc-plugins publish` and `yank` write it is valid."""
    schema = json_schema("index")
    release = samples.index["signed"]["plugins"]["code-reviewer"]["versions"]

    assert problems(schema, samples.index) == []
    assert release["0.3.0"]["yanked"] == "a test"


@given(indexes())
def test_any_valid_index_matches_the_schema(index):
    """Whatever the index model accepts, the schema accepts."""
    schema = json_schema("index")
    document = {
        "signed": index_to_json(index),
        "key": "ed25519:",
        "signature": "",
    }

    assert problems(schema, document) == []


@given(ANNOTATIONS, st.text(max_size=10))
def test_any_argument_schema_is_in_the_subset(annotation, description):
    """What the SDK writes for any annotation fits the JsonSchema type."""
    try:
        spec = spec_from_annotation(annotation)
    except TypeError:
        return  # an annotation the SDK refuses has no schema
    signature = ToolSignature(
        "f", (Parameter("p", spec, description=description),)
    )
    schema = json_schema("tools")

    assert problems(schema, signature.schema(), "ToolParameters") == []


def test_an_unknown_argument_keyword_is_outside_the_subset():
    """The subset is closed: a keyword the SDK does not write is refused."""
    schema = json_schema("tools")

    assert problems(schema, {"type": "string", "pattern": "x"}, "JsonSchema")


def _names(schema: Any, keys: set[str], values: set[str]) -> None:
    """
    Collect every property name and every const or enum value in *schema*.
    """
    if isinstance(schema, list):
        for child in schema:
            _names(child, keys, values)
    if not isinstance(schema, dict):
        return
    values.update(json.dumps(v) for v in schema.get("enum", []))
    if "const" in schema:
        values.add(json.dumps(schema["const"]))
    for key, child in schema.items():
        if key in {"properties", "$defs"}:
            keys.update(child if key == "properties" else ())
            for each in child.values():
                _names(each, keys, values)
        elif key not in {"enum", "const", "default"}:
            _names(child, keys, values)


@pytest.mark.parametrize("what", list(DOCUMENTS))
def test_the_typescript_says_what_the_schema_says(what):
    """Each property, definition and constant of a schema is in its TS."""
    schema = json_schema(what)
    text = typescript({DOCUMENTS[what]: schema})
    keys: set[str] = set()
    values: set[str] = set()
    _names(schema, keys, values)

    for key in keys:
        shown = (
            key if re.fullmatch(r"[A-Za-z_$][\w$]*", key) else json.dumps(key)
        )
        assert re.search(rf"^\s*{re.escape(shown)}\??:", text, re.MULTILINE), (
            key
        )
    for value in values:
        assert value in text, value
    for name in [DOCUMENTS[what], *schema.get("$defs", {})]:
        assert re.search(
            rf"^export (type|interface) {name}\b", text, re.MULTILINE
        )


def test_the_cli_prints_what_the_api_builds(tmp_path):
    """`schema` keeps its JSON, --what all has the four, -o writes."""
    runner = CliRunner()
    plain = runner.invoke(cli, ["schema"])
    both = runner.invoke(cli, ["schema", "--what", "all"])
    target = tmp_path / "acc.d.ts"
    written = runner.invoke(
        cli, ["schema", "--format", "typescript", "-o", str(target), "--json"]
    )

    assert json.loads(plain.stdout) == json_schema("manifest")
    assert json.loads(both.stdout) == {w: json_schema(w) for w in DOCUMENTS}
    facts = json.loads(written.stdout)
    assert (facts["path"], facts["format"], facts["what"]) == (
        str(target),
        "typescript",
        "all",
    )
    assert target.read_text() == facts["text"]
    assert "export type HostEvent" in facts["text"]


def test_the_cli_refuses_a_folder_as_output(tmp_path):
    """-o naming a folder is one clear error, and writes nothing."""
    result = CliRunner().invoke(cli, ["schema", "-o", str(tmp_path)])

    assert result.exit_code != 0
    assert "is a directory" in result.output


def test_the_index_schema_carries_the_models_checks_and_docs():
    """Patterns, bounds, choices and docstrings come from the models."""
    schema = json_schema("index")
    release = schema["$defs"]["RegistryRelease"]["properties"]
    rating = schema["$defs"]["RegistryRating"]["properties"]
    index = schema["$defs"]["RegistryIndex"]["properties"]

    assert problems(schema, "ab" * 32, "RegistryRelease") != []
    assert problems(release["sha256"], "ab" * 32) == []
    assert problems(release["sha256"], "AB" * 32) != []
    assert (release["size"]["minimum"], rating["average"]["maximum"]) == (1, 5)
    assert index["format"]["enum"] == [1]
    assert release["tools"]["description"] == "The tools it adds, by name."
    assert release["hooks"]["description"] == (
        "The hooks it adds, by event pattern."
    )
    assert release["yanked"]["default"] is None
