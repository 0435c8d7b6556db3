"""
The host's Claude capability: the protocol the embedding application
implements, and an offline fake for tests and the demo.
"""

from __future__ import annotations

import re
from typing import Final, Protocol

import attrs


@attrs.frozen
class ClaudeReply:
    """
    A model's answer with what it really cost, as a provider that reports
    usage returns it from ``reply``.

    Attributes:
        text: The answer.

        input_tokens: Tokens the prompt and system prompt took, cache
            reads and writes included.

        output_tokens: Tokens the answer took.

        cost_usd: What the query cost in US dollars, when the provider
            knows; None to price the tokens with the provider's ``cost``.

        model: The model that answered, when known.

        stop_reason: Why the answer ended (``end_turn``, ``max_tokens``
            ...), when known.
    """

    text: str
    input_tokens: int
    output_tokens: int
    cost_usd: float | None = None
    model: str = ""
    stop_reason: str | None = None


class ClaudeProvider(Protocol):
    """
    What the embedding application supplies to give plugins Claude.

    ``query`` returns the model's text answer; the host checks permissions
    and types before it is called and copies what it returns.

    A provider may offer more, which the host uses when present:

    - ``reply(prompt, *, system, max_tokens) -> ClaudeReply``: the answer
      with its real usage.  The model budgets then count what the query
      really cost instead of an estimate, and ``query`` is not called.
    - ``count_prompt_tokens(prompt, *, system) -> int``: the exact tokens
      of a prompt, asked only when a cheap upper bound would refuse it.
    - ``count_tokens(text) -> int``: a cheap local count, for providers
      that do not report usage.
    - ``cost(input_tokens, output_tokens) -> float``: US dollars.
    """

    def query(
        self, prompt: str, *, system: str | None, max_tokens: int
    ) -> str:
        """
        The model's text answer to *prompt*.

        Args:
            prompt: What the plugin asks.

            system: The system prompt, with what other plugins contribute
                to it, or None.

            max_tokens: At most how many tokens the answer may have.
        """


_TODO: Final = re.compile(r"\b(TODO|FIXME|XXX|HACK)\b")
_BARE_EXCEPT: Final = re.compile(r"^\s*except\s*:", re.MULTILINE)
_CODE_BLOCK: Final = re.compile(r"```[a-zA-Z0-9_+-]*\n(.*?)```", re.DOTALL)
_LONG_LINE: Final = 99


@attrs.define
class FakeClaude:
    """
    A deterministic, offline stand-in for Claude.

    Asked to review code (a system prompt that mentions "review"), it
    reports what simple checks find in the first fenced code block of the
    prompt; otherwise it answers with a short summary of the prompt.  It
    records every query, and first gives the answers a test scripted with
    ``answer``, which makes it handy in tests.

    Attributes:
        queries: ``(system, prompt)`` of every call, oldest first.
    """

    queries: list[tuple[str | None, str]] = attrs.Factory(list)
    # (text the prompt must contain, the answer): each used once, in order.
    _scripted: list[tuple[str, str]] = attrs.Factory(list)

    @property
    def prompts(self) -> list[str]:
        """
        The prompt of every call, oldest first.
        """
        return [prompt for _, prompt in self.queries]

    def answer(self, text: str, *, when: str = "") -> None:
        """
        Answer the next query whose prompt contains *when* (any query, by
        default) with *text*, once.  Scripted answers are tried in the
        order they were given; a query none fits gets the usual answer.
        """
        self._scripted.append((when, text))

    def query(
        self, prompt: str, *, system: str | None = None, max_tokens: int = 1024
    ) -> str:
        """
        Answer *prompt* without any network.
        """
        self.queries.append((system, prompt))
        for index, (when, text) in enumerate(self._scripted):
            if when in prompt:
                del self._scripted[index]
                return text
        if system and "review" in system.lower():
            answer = self._review(prompt)
        else:
            words = prompt.split()
            answer = (
                f"[fake-claude] {len(words)} words received; "
                f"first line: {prompt.strip().splitlines()[0][:60] if words else ''!r}"
            )
        return answer[: max(max_tokens * 4, 16)]

    @staticmethod
    def _review(prompt: str) -> str:
        match = _CODE_BLOCK.search(prompt)
        code = match.group(1) if match else prompt
        lines = code.splitlines()
        findings: list[str] = []
        for number, line in enumerate(lines, start=1):
            if _TODO.search(line):
                findings.append(
                    f"line {number}: unresolved marker: {line.strip()}"
                )
            if len(line) > _LONG_LINE:
                findings.append(f"line {number}: {len(line)} characters long")
        findings.extend(
            f"line {code[: m.start()].count(chr(10)) + 1}: bare 'except:' hides errors"
            for m in _BARE_EXCEPT.finditer(code)
        )
        verdict = "changes requested" if findings else "looks good"
        body = (
            "\n".join(f"- {finding}" for finding in findings)
            or "- no issues found"
        )
        return (
            f"Review of {len(lines)} lines: {verdict}.\n{body}\n"
            "(offline review by the fake Claude provider)"
        )
