"""
{{ cookiecutter.description }}

A workflow is a list of steps, each a tool or an agent call (of this
plugin or of others it depends on).  ``${input.x}`` is an input of the
workflow, ``${name}`` what the step with ``save_as="name"`` returned, and
``output`` what the workflow answers.
"""

from acc_plugins.sdk import Plugin, Step, Workflow, tool


class {{ cookiecutter.__class }}(Plugin):
    """
    The workflows of {{ cookiecutter.name }}, and the tools they use.
    """

    workflows = (
        Workflow(
            name="headline",
            description="Tidy a text's spacing and make a headline of it.",
            inputs=("text",),
            steps=(
                Step(
                    tool="tidy",
                    arguments={"text": "${input.text}"},
                    save_as="tidy",
                ),
                Step(
                    tool="title_case",
                    arguments={"text": "${tidy}"},
                    save_as="headline",
                ),
            ),
            output="${headline}",
        ),
    )

    @tool
    def tidy(self, text: str) -> str:
        """
        Collapse runs of white space into single spaces.

        Args:
            text: The text to tidy.
        """
        return " ".join(text.split())

    @tool
    def title_case(self, text: str) -> str:
        """
        Capitalise every word.

        Args:
            text: The text to capitalise.
        """
        return text.title()
