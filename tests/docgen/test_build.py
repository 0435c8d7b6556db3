"""
The documentation model of the example plugins: what a reader of each
example's source and manifest finds, without running any of it.
"""

import pytest

from acc_plugins.docgen import (
    AgentDoc,
    DependencyDoc,
    HookDoc,
    ParameterDoc,
    PermissionDoc,
    SettingDoc,
    StepDoc,
    document,
)
from acc_plugins.errors import ManifestError

from ._plugins import EXAMPLES, write_plugin


def test_the_manifest_facts_are_all_there():
    """Name, version, kind, authors, license, keywords, compatibility."""
    doc = document(EXAMPLES / "text-tools")

    assert (doc.name, doc.version, doc.kind) == ("text-tools", "1.2.0", "tool")
    assert doc.authors == ("acc_plugins developers",)
    assert doc.license == "MIT"
    assert doc.keywords == ("text", "code")
    assert doc.requires_acc == ">=0.1.0.dev0"
    assert doc.isolation == "in-process"
    assert doc.notes == ()


def test_every_tool_has_its_signature_types_defaults_and_docstring():
    """Parameters in order, with the docstring's Args: entries."""
    doc = document(EXAMPLES / "text-tools")
    tools = {tool.name: tool for tool in doc.tools}

    assert list(tools) == [
        "word_count",
        "slugify",
        "wrap",
        "extract_todos",
        "strip_comments",
        "diff_stats",
        "usage",
    ]
    wrap = tools["wrap"]
    assert wrap.summary == "Wrap text to a width."
    assert wrap.parameters == (
        ParameterDoc("text", "string", "str", True, None, "The text to wrap."),
        ParameterDoc(
            "width",
            "integer or null",
            "int | None",
            False,
            "null",
            "The column to wrap at; the plugin's default_width setting "
            "if omitted.",
        ),
        ParameterDoc(
            "mode",
            'one of "fill", "lines"',
            'Literal["fill", "lines"]',
            False,
            '"fill"',
            '"fill" returns one string, "lines" a list of lines.',
        ),
    )
    assert wrap.returns == "string or array of string"
    assert wrap.returns_annotation == "str | list[str]"
    assert tools["usage"].parameters == ()
    assert tools["word_count"].returns == "object of integer"


def test_the_schema_is_the_one_the_host_checks_calls_against():
    """Required names, types and defaults as the SDK builds them."""
    doc = document(EXAMPLES / "text-tools")
    slugify = next(tool for tool in doc.tools if tool.name == "slugify")

    assert slugify.schema == {
        "type": "object",
        "properties": {
            "text": {"type": "string", "description": "The title."},
            "separator": {
                "type": "string",
                "description": "What joins the words.",
                "default": "-",
            },
            "max_length": {
                "type": "integer",
                "description": "Longest slug returned.",
                "default": 64,
            },
        },
        "required": ["text"],
        "additionalProperties": False,
    }


def test_settings_show_type_default_range_and_choices():
    """Each setting of code-reviewer, sorted by key."""
    doc = document(EXAMPLES / "code-reviewer")

    assert doc.settings == (
        SettingDoc(
            "max_lines",
            "int",
            "400",
            "Longest change the agent accepts.",
            (),
            "1",
            "5000",
        ),
        SettingDoc(
            "style",
            "enum",
            '"friendly"',
            "Tone of the review.",
            ("strict", "friendly"),
        ),
    )


def test_agents_hooks_dependencies_and_permissions_in_words():
    """A declared agent, a decorated one whose prompt is a looked-up constant, a hook."""
    doc = document(EXAMPLES / "code-reviewer")

    assert doc.agents == (
        AgentDoc(
            "summarizer",
            "Summarises a change in two sentences.",
            "Summarise the change you are given in two sentences.",
        ),
        AgentDoc(
            "review",
            "Review the code given as the task and return the review text.",
            "You are a friendly reviewer. Review the code, praise what is "
            "good and suggest improvements kindly.",
            ("text-tools.word_count", "text-tools.extract_todos"),
            "review",
        ),
    )
    assert doc.hooks == (HookDoc("plugin.activated", "on_plugin_active"),)
    assert doc.dependencies == (DependencyDoc("text-tools", "<2,>=1.0"),)
    assert doc.permissions == (
        PermissionDoc(
            "host:claude.query",
            "send prompts to Claude (this spends your tokens)",
        ),
    )


def test_a_workflow_shows_its_inputs_steps_and_output():
    """Each step's target, arguments with references, task and name."""
    doc = document(EXAMPLES / "review-pipeline")
    (flow,) = doc.workflows

    assert (flow.name, flow.inputs, flow.output) == (
        "review-file",
        ("code",),
        "${report}",
    )
    assert flow.steps[0] == StepDoc(
        "tool",
        "text-tools.extract_todos",
        '{"code": "${input.code}"}',
        "",
        "todos",
    )
    assert flow.steps[2] == StepDoc(
        "agent", "code-reviewer.review", "", "${clean}", "review"
    )


def test_network_and_file_permissions_read_as_sentences(tmp_path):
    """What each permission lets the plugin do, with its reach."""
    folder = write_plugin(
        tmp_path,
        "class Demo:\n    pass\n",
        manifest=(
            "[permissions]\n"
            'filesystem = ["read:${data}/**"]\n'
            'network = ["https://api.example.com"]\n'
        ),
    )

    plain = [p.plain for p in document(folder).permissions]

    assert plain == [
        "read any file in its own data folder",
        "connect to api.example.com over HTTPS",
    ]


def test_documenting_runs_none_of_the_plugins_code(tmp_path):
    """A module body that would write a file leaves no file behind."""
    marker = tmp_path / "ran"
    folder = write_plugin(
        tmp_path,
        f"open({str(marker)!r}, 'w').write('x')\n"
        "from acc_plugins.sdk import Plugin, tool\n"
        "class Demo(Plugin):\n"
        "    @tool\n"
        "    def ping(self) -> str:\n"
        "        '''Answer.'''\n"
        "        raise SystemExit(1)\n",
    )

    doc = document(folder)

    assert [tool.name for tool in doc.tools] == ["ping"]
    assert not marker.exists()


@pytest.mark.parametrize(
    ("manifest", "problem"),
    [
        (None, "cannot read"),
        ('[plugin]\nname = "Bad Name"\n', "plugin"),
        ("not toml = = =", "line 1"),
    ],
)
def test_a_missing_or_bad_manifest_is_a_manifest_error(
    tmp_path, manifest, problem
):
    """No documentation for a folder that is not a valid plugin."""
    if manifest is not None:
        (tmp_path / "plugin.toml").write_text(manifest)

    with pytest.raises(ManifestError, match=problem):
        document(tmp_path)
