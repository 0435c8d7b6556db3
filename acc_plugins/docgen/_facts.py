"""
The words both page renderers share: the facts list at the top, how a
parameter's default and a setting's allowed values read, and what a
plugin without permissions says.  One place, so the Markdown and the
HTML page never tell a reader two different things.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final


if TYPE_CHECKING:
    from ._model import AgentDoc, PluginDoc, SettingDoc, StepDoc

NO_PERMISSIONS: Final = (
    "It asks for no permissions: it can reach no file, network host, "
    "program or host API."
)
_ISOLATION: Final = {
    "in-process": "in the sandbox, in the host's process",
    "subprocess": "in the sandbox, in a worker process with "
    "operating-system limits",
}


def facts(doc: PluginDoc) -> list[tuple[str, str, bool]]:
    """
    The facts list: each label, value, and whether the value is a URL.
    """
    rows = [("Kind", doc.kind, False)]
    if doc.authors:
        rows.append(("Authors", ", ".join(doc.authors), False))
    if doc.license:
        rows.append(("License", doc.license, False))
    if doc.homepage:
        rows.append(("Home page", doc.homepage, True))
    if doc.repository:
        rows.append(("Source", doc.repository, True))
    if doc.keywords:
        rows.append(("Keywords", ", ".join(doc.keywords), False))
    if doc.requires_acc:
        rows.append(("Runs on acc-plugins", doc.requires_acc, False))
    rows.append(("Runs", _ISOLATION.get(doc.isolation, doc.isolation), False))
    rows.extend(
        ("Needs plugin", f"{d.name} {d.versions}".strip(), False)
        for d in doc.dependencies
    )
    return rows


def allowed(setting: SettingDoc) -> str:
    """
    The values *setting* allows, in words (``""`` for any of its type).
    """
    if setting.choices:
        return "one of " + ", ".join(setting.choices)
    if setting.min is not None and setting.max is not None:
        return f"{setting.min} to {setting.max}"
    if setting.min is not None:
        return f"at least {setting.min}"
    if setting.max is not None:
        return f"at most {setting.max}"
    return ""


def driver(agent: AgentDoc) -> str:
    """
    Who runs *agent*, in words.
    """
    if agent.method:
        return f"its method {agent.method}()"
    return "the host, with its Claude capability"


def step_words(step: StepDoc) -> str:
    """
    What *step* does, in words (without its target's formatting).
    """
    if step.kind == "tool":
        what = f"with arguments {step.arguments}" if step.arguments else ""
    else:
        what = f"with the task {step.task}" if step.task else ""
    saved = f"saved as {step.save_as}" if step.save_as else ""
    return ", ".join(part for part in (what, saved) if part)


def install_command(doc: PluginDoc) -> str:
    """
    The command that installs this version.
    """
    return f"acc-plugins install {doc.name}=={doc.version}"
