"""
{{ cookiecutter.description }}

The smallest useful plugin: a tool, a hook that reacts to the host's
events, and the plugin's own storage, which keeps what it saw.
"""

from acc_plugins.sdk import Event, Plugin, hook, tool


class {{ cookiecutter.__class }}(Plugin):
    """
    {{ cookiecutter.name }}: greets, and counts the sessions it saw start.
    """

    def on_activate(self) -> None:
        self.ctx.log.info("{{ cookiecutter.name }} is ready")

    @tool
    def greet(self, name: str) -> str:
        """
        Greet someone with the plugin's greeting setting.

        Args:
            name: Who to greet.
        """
        return f"{self.ctx.settings['greeting']}, {name}!"

    @tool
    def sessions_seen(self) -> int:
        """How many ``session.started`` events the plugin has received."""
        seen: int = self.ctx.storage.get("sessions", 0)
        return seen

    @hook("session.started")
    def count_session(self, event: Event) -> None:
        self.ctx.log.debug(f"session started: {event.payload}")
        self.ctx.storage.set("sessions", self.sessions_seen() + 1)
