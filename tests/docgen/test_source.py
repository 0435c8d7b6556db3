"""
Reading a plugin's source: the plugin class where the entry names it,
through imports and base classes, and a note for whatever a reading
cannot tell.
"""

from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.docgen import PromptDoc, document, to_html, to_markdown

from ._plugins import write_plugin


BASE = '''
from acc_plugins.sdk import Plugin, tool


class Base(Plugin):
    @tool
    def shared(self, n: int = 1) -> int:
        """From the base."""
        return n

    @tool
    def replaced(self) -> str:
        """The base's version."""
        return ""
'''

CHILD = """
from .base import Base
from acc_plugins.sdk import tool


class Demo(Base):
    @tool(name="replaced", description="The child's version.")
    def replaced(self) -> str:
        return ""
"""

UNREADABLE = '''
from acc_plugins.sdk import Plugin, Step, Workflow, hook, tool

PREFIX = "re"
NAMES = {"a": "one"}


def make():
    return []


class Demo(Plugin):
    workflows = make()

    @tool
    def odd(self, *items: str, when: Marker = None, size: int = len("ab")) -> Marker:
        """Odd.

        Args:
            size: How big.
        """

    @hook(PREFIX + "load.done")
    def on(self, event):
        """Heard it."""

    @hook(make())
    def never(self, event):
        pass
'''


def test_a_class_imported_from_a_package_module_with_its_base(tmp_path):
    """The entry module re-exports the class; the base's tools count, the child's win."""
    folder = write_plugin(
        tmp_path,
        "from pkg.child import Demo\n",
        files={
            "pkg/__init__.py": "",
            "pkg/base.py": BASE,
            "pkg/child.py": CHILD,
        },
    )

    doc = document(folder)

    assert [(t.name, t.summary) for t in doc.tools] == [
        ("shared", "From the base."),
        ("replaced", "The child's version."),
    ]
    assert doc.tools[0].parameters[0].default == "1"
    assert doc.notes == ()


def test_what_a_reading_cannot_tell_is_a_note_not_a_guess(tmp_path):
    """Computed defaults, unsupported hints and *args are noted; known names resolve."""
    folder = write_plugin(tmp_path, UNREADABLE)

    doc = document(folder)
    (odd,) = doc.tools

    assert [(p.name, p.default) for p in odd.parameters] == [
        ("when", "null"),
        ("size", 'len("ab")'),
    ]
    assert "default" not in odd.schema["properties"]["size"]
    assert odd.parameters[1].description == "How big."
    assert [(h.event, h.method, h.summary) for h in doc.hooks] == [
        ("reload.done", "on", "Heard it."),
    ]
    notes = "\n".join(doc.notes)
    assert "workflows: an entry is computed when the plugin loads" in notes
    assert "tool odd: *args, **kwargs" in notes
    assert (
        "tool odd, parameter when: annotation \"Marker\": 'Marker' is not "
        "a supported type" in notes
    )
    assert "tool odd, return type" in notes
    assert "@hook on never: its arguments are computed" in notes


def test_source_that_does_not_parse_leaves_the_manifest_documented(tmp_path):
    """A syntax error is one note with file and line; the manifest still shows."""
    folder = write_plugin(tmp_path, "class Demo(:\n")

    doc = document(folder)

    assert doc.name == "demo"
    assert doc.tools == ()
    (note,) = doc.notes
    assert note.startswith("the source was not read: plugin.py:1: ")


def test_an_entry_class_that_is_not_there_is_a_note(tmp_path):
    """The entry names a class the module does not define."""
    folder = write_plugin(tmp_path, "X = 1\n", entry="plugin:Missing")

    (note,) = document(folder).notes

    assert "no class Missing in module plugin (entry plugin:Missing)" in note


def test_a_link_out_of_the_plugin_folder_is_not_read(tmp_path):
    """A module that is a symbolic link to a file outside is not its code."""
    outside = tmp_path / "outside.py"
    outside.write_text(BASE.replace("Base", "Demo"))
    folder = write_plugin(tmp_path / "p", "")
    (folder / "plugin.py").unlink()
    (folder / "plugin.py").symlink_to(outside)

    doc = document(folder)

    assert doc.tools == ()
    assert "no class Demo in module plugin" in doc.notes[0]


def test_names_that_fan_out_are_cut_short_not_followed_forever(tmp_path):
    """Forty names, each twice the one before: the prompt is noted as computed, quickly."""
    chain = "\n".join(f"N{i} = N{i + 1} + N{i + 1}" for i in range(40))
    source = (
        f'{chain}\nN40 = "{"x" * 1000}"\n'
        "from acc_plugins.sdk import Plugin, agent\n"
        "class Demo(Plugin):\n"
        "    @agent(system_prompt=N0)\n"
        "    def run(self, task: str) -> str:\n"
        "        return task\n"
    )
    folder = write_plugin(tmp_path, source)

    doc = document(folder)

    assert doc.agents[0].system_prompt == ""
    assert doc.notes == (
        "@agent on run: system_prompt is computed when the plugin loads",
    )


def test_prompt_contributions_are_listed_with_their_agent(tmp_path):
    """@contribute_prompt names the agent whose prompt it changes."""
    folder = write_plugin(
        tmp_path,
        "from acc_plugins.sdk import Plugin, contribute_prompt\n"
        "class Demo(Plugin):\n"
        '    @contribute_prompt("code-reviewer.*")\n'
        "    def house_style(self, task: str) -> str:\n"
        '        """Our naming rules."""\n'
        '        return "Use snake_case."\n',
    )

    doc = document(folder)

    assert doc.prompts == (
        PromptDoc("code-reviewer.*", "house_style", "Our naming rules."),
    )
    assert (
        "| `code-reviewer.*` | `house_style` | Our naming rules. |"
        in to_markdown(doc)
    )
    assert "<h2>Prompt contributions</h2>" in to_html(doc)


def test_the_returns_section_and_further_paragraphs_are_kept(tmp_path):
    """Paragraphs after the summary, and Returns: up to the next section."""
    folder = write_plugin(
        tmp_path,
        "from acc_plugins.sdk import Plugin, tool\n"
        "class Demo(Plugin):\n"
        "    @tool\n"
        "    def total(self, values: list[float]) -> float:\n"
        '        """\n'
        "        Add up.\n\n"
        "        In the order\n"
        "        given.\n\n"
        "        Returns:\n"
        "            The sum,\n"
        "            rounded.\n\n"
        "        Raises:\n"
        "            ToolError: never.\n"
        '        """\n'
        "        return 0.0\n",
    )

    (tool,) = document(folder).tools

    assert tool.returns_description == "The sum, rounded."
    assert tool.details == ("In the order given.",)
    assert "Returns: number (`float`): The sum, rounded." in to_markdown(
        document(folder)
    )


def test_each_base_class_is_read_once_however_often_it_is_named(tmp_path):
    """Thirty levels of a class naming its base fifty times: read at once."""
    levels = "\n".join(
        f"class C{i}({', '.join([f'C{i + 1}'] * 50)}):\n    pass"
        for i in reversed(range(30))
    )
    source = (
        "from acc_plugins.sdk import Plugin, tool\n"
        "class C30(Plugin):\n"
        "    @tool\n"
        "    def deep(self) -> str:\n"
        "        return ''\n"
        f"{levels}\n"
        "class Demo(C0):\n"
        "    pass\n"
    )
    folder = write_plugin(tmp_path, source)

    doc = document(folder)

    assert [tool.name for tool in doc.tools] == ["deep"]


def test_a_very_deep_class_chain_is_cut_short(tmp_path):
    """Five thousand classes deriving from each other: no RecursionError."""
    chain = "\n".join(
        f"class C{i}(C{i + 1}):\n    pass" for i in reversed(range(5000))
    )
    folder = write_plugin(
        tmp_path,
        f"class C5000:\n    pass\n{chain}\nclass Demo(C0):\n    pass\n",
    )

    doc = document(folder)

    assert (doc.name, doc.tools) == ("demo", ())


_LINES = [
    "from acc_plugins.sdk import Plugin, Agent, Step, Workflow, tool, hook, agent",
    "from .other import Base",
    "X = {'a': [1, -2.5, None]}",
    "X = X",
    "Y = X['a'][5] + 'z'",
    "class Demo(Plugin, Base, Demo):",
    "class Demo:",
    "    agents = (Agent(name=X, tools=Y), Agent(**X), 3)",
    "    workflows = [Workflow(steps=5), Workflow(name='w', steps=[Step(tool=3), 4])]",
    "    @tool(name=1, description=None)",
    "    @tool",
    "    @hook()",
    "    @hook(*X)",
    "    @agent('positional', tools='abc')",
    "    def f(self, a: 'int | str' = X, /, *b: bytes, c: Literal[1, 'x'] = Y, **d) -> Tuple[int, ...]:",
    "    def g(x=lambda: 1, *, y: dict[int, str]):",
    "    async def h(self, n: list[list[list[Any]]] = [[]]) -> None:",
    "        '''Sum.\n\n        Args:\n            n: N.\n        Returns:\n            x'''",
    "        pass",
    "    x: int = 1",
]


@given(st.lists(st.sampled_from(_LINES), max_size=14))
def test_any_mix_of_declarations_is_documented_or_noted(
    tmp_path_factory, lines
):
    """Whatever the source holds, the reading gives a page, never an exception."""
    folder = write_plugin(
        tmp_path_factory.mktemp("p"), "\n".join(lines) + "\n"
    )

    doc = document(folder)

    assert doc.name == "demo"
    assert all(note.strip() for note in doc.notes)
    assert to_markdown(doc)
    assert to_html(doc)
