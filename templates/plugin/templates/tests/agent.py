"""
The agent of {{ cookiecutter.name }}, run through a host with an offline
fake Claude that records what it is asked.
"""

PLUGIN = "{{ cookiecutter.name }}"


def test_the_assistant_asks_claude_the_task(host, claude):
    """The agent passes the task to Claude and returns the answer."""
    answer = host.run_agent(f"{PLUGIN}.assistant", "What is a hook?")

    assert answer.startswith("[fake-claude]")
    assert [prompt for _, prompt in claude.queries] == ["What is a hook?"]


def test_the_style_setting_chooses_the_system_prompt(host, claude):
    """The thorough style asks Claude for step-by-step answers."""
    host.configure(PLUGIN, "style", "thorough")

    host.run_agent(f"{PLUGIN}.assistant", "What is a hook?")

    system, _ = claude.queries[-1]
    assert system is not None
    assert "step by step" in system
