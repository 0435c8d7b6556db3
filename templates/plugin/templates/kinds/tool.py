"""
{{ cookiecutter.description }}

Each method marked ``@tool`` is a tool: its type hints become the JSON
Schema the host checks every call against, and its docstring tells Claude
and users what it does.
"""

from acc_plugins.sdk import Plugin, ToolError, tool

MOST_TIMES = 10


class {{ cookiecutter.__class }}(Plugin):
    """
    The tools of {{ cookiecutter.name }}.
    """

    @tool
    def greet(self, name: str, times: int = 1) -> str:
        """
        Greet someone with the plugin's greeting setting.

        Args:
            name: Who to greet.
            times: How often, 1 to 10.
        """
        if not 1 <= times <= MOST_TIMES:
            msg = f"times must be between 1 and {MOST_TIMES}"
            raise ToolError(msg)
        greeting = self.ctx.settings["greeting"]
        return " ".join([f"{greeting}, {name}!"] * times)

    @tool
    def word_count(self, text: str) -> dict[str, int]:
        """
        Count the words, lines and characters of a text.

        Args:
            text: The text to measure.
        """
        return {
            "words": len(text.split()),
            "lines": len(text.splitlines()),
            "characters": len(text),
        }
