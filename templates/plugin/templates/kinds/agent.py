"""
{{ cookiecutter.description }}

An agent is a method ``(self, task: str) -> str`` marked ``@agent``: the
host runs it with a task, and it may ask Claude through ``self.ctx.claude``
(the ``host:claude.query`` permission in plugin.toml).
"""

from acc_plugins.sdk import Plugin, agent

PROMPTS = {
    "brief": "You are a helpful assistant. Answer in a few sentences.",
    "thorough": "You are a careful assistant. Answer step by step, "
    "and say what you are unsure of.",
}


class {{ cookiecutter.__class }}(Plugin):
    """
    The agents of {{ cookiecutter.name }}.
    """

    @agent(name="assistant", system_prompt=PROMPTS["brief"])
    def assistant(self, task: str) -> str:
        """Answer a task with Claude, in the style the user configured."""
        style = self.ctx.settings["style"]
        self.ctx.log.info(f"answering in the {style} style")
        return self.ctx.claude.query(task, system=PROMPTS[style])
