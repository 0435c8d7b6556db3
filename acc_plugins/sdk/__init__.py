"""
The plugin SDK: everything plugin code imports.

```python
from acc_plugins.sdk import Plugin, tool


class Greeter(Plugin):
    @tool
    def greet(self, name: str) -> str:
        \"\"\"Say hello.\"\"\"
        return f"Hello, {name}!"
```
"""

from ._context import (
    JSON,
    Claude,
    Context,
    Event,
    Events,
    Logger,
    Storage,
    Tools,
)
from ._decorators import Agent, agent, contribute_prompt, hook, tool
from ._outside import Environment, Files, Http, Processes
from ._plugin import Plugin, ToolError
from ._workflow import Step, Workflow


__all__ = [
    "JSON",
    "Agent",
    "Claude",
    "Context",
    "Environment",
    "Event",
    "Events",
    "Files",
    "Http",
    "Logger",
    "Plugin",
    "Processes",
    "Step",
    "Storage",
    "ToolError",
    "Tools",
    "Workflow",
    "agent",
    "contribute_prompt",
    "hook",
    "tool",
]
