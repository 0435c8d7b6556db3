"""
A code-review agent.

``review`` is an agent with its own ``run`` logic: it measures the change
with the text-tools plugin, asks Claude for a review, and stores a short
history in the plugin's storage.  ``summarizer`` is a declarative agent:
the host drives it with its Claude capability and the system prompt below.
"""

from __future__ import annotations

from acc_plugins.sdk import Agent, Event, Plugin, ToolError, agent, hook, tool


SYSTEM_PROMPTS = {
    "strict": "You are a strict senior reviewer. Review the code for bugs, "
    "unclear names and missing error handling. Be terse.",
    "friendly": "You are a friendly reviewer. Review the code, praise what "
    "is good and suggest improvements kindly.",
}


class CodeReviewer(Plugin):
    """Reviews code with Claude."""

    agents = (
        Agent(
            name="summarizer",
            description="Summarises a change in two sentences.",
            system_prompt="Summarise the change you are given in two sentences.",
        ),
    )

    def on_activate(self) -> None:
        self.ctx.log.info(
            f"code-reviewer ready (style={self.ctx.settings['style']})"
        )

    @agent(
        name="review",
        system_prompt=SYSTEM_PROMPTS["friendly"],
        tools=["text-tools.word_count", "text-tools.extract_todos"],
    )
    def review(self, task: str) -> str:
        """Review the code given as the task and return the review text."""
        stats = self.ctx.tools.call("text-tools.word_count", text=task)
        if stats["lines"] > self.ctx.settings["max_lines"]:
            raise ToolError(
                f"the change has {stats['lines']} lines; "
                f"the limit is {self.ctx.settings['max_lines']}"
            )
        todos = self.ctx.tools.call("text-tools.extract_todos", code=task)
        prompt = f"Review this code ({stats['lines']} lines):\n```python\n{task}\n```"
        answer = self.ctx.claude.query(
            prompt, system=SYSTEM_PROMPTS[self.ctx.settings["style"]]
        )
        history = self.ctx.storage.get("reviews", [])
        history.append({"lines": stats["lines"], "todos": len(todos)})
        self.ctx.storage.set("reviews", history[-20:])
        return answer

    @tool
    def history(self) -> list[dict[str, int]]:
        """The size of the last reviews, oldest first."""
        reviews: list[dict[str, int]] = self.ctx.storage.get("reviews", [])
        return reviews

    @hook("plugin.activated")
    def on_plugin_active(self, event: Event) -> None:
        self.ctx.log.debug(f"saw {event.payload['plugin']} become active")
