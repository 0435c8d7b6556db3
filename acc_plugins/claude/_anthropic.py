"""
Claude through the Messages API, on Anthropic's official ``anthropic``
SDK: the SDK's retries and timeouts, the API's own token count, the cost
from each answer's usage, and streaming on request.

Needs the ``anthropic`` extra: ``pip install 'acc-plugins[anthropic]'``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import anthropic
import platformdirs

from acc_plugins.errors import ClaudeError, ConfigError
from acc_plugins.host.capabilities._claude import ClaudeReply
from acc_plugins.host.config._claudekey import ENV_KEY, find_api_key

from ._prices import cost_of, price_of


if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from anthropic.types import Message

DEFAULT_MODEL: Final = "claude-sonnet-4-5"
_NAME: Final = "anthropic"


class AnthropicProvider:
    """
    A ``ClaudeProvider`` that asks Claude through the Messages API.

    It reports each answer's real usage (``reply``), so the host's model
    budgets count what a query really cost; it counts a prompt's tokens
    with the API's count endpoint when a budget is close.  Failures,
    after the SDK's retries, raise `ClaudeError`.

    Args:
        api_key: The key; by default ``ANTHROPIC_API_KEY``, else the one
            ``acc-plugins claude key set`` stored in *data_dir*'s
            user-only secret store.

        model: The model to ask.

        max_tokens: A ceiling on every answer, whatever a query asks;
            None for none.

        stream: Whether to stream every answer (long answers need it).

        timeout: Seconds per request.

        max_retries: How often the SDK tries a failed request again.

        base_url: The API's address; by default Anthropic's (or
            ``ANTHROPIC_BASE_URL``).

        prices: Dollars per million input and output tokens, for a model
            the built-in table does not know.

        data_dir: The data folder whose secret store holds the key.

    Raises:
        ConfigError: If there is no key, or the secret store holding it
            can be read by others.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        model: str = DEFAULT_MODEL,
        max_tokens: int | None = None,
        stream: bool = False,
        timeout: float = 600.0,
        max_retries: int = 2,
        base_url: str | None = None,
        prices: tuple[float, float] | None = None,
        data_dir: Path | None = None,
    ) -> None:
        self.model = model
        self.max_tokens = max_tokens
        self.stream = stream
        self.price = prices or price_of(model)
        if api_key is not None:
            self.key_source = "the api_key argument"
        else:
            found = find_api_key(
                data_dir
                or platformdirs.user_data_path("acc-plugins", appauthor=False)
            )
            if found is None:
                problem = (
                    f"no Anthropic API key: set {ENV_KEY} or run "
                    "`acc-plugins claude key set`"
                )
                msg = f"the {_NAME} provider"
                raise ConfigError(msg, [problem])
            api_key, self.key_source = found
        self._client = anthropic.Anthropic(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
        )

    def __repr__(self) -> str:  # never the key
        return (
            f"<AnthropicProvider {self.model} at {self._client.base_url}, "
            f"key from {self.key_source}>"
        )

    def query(
        self, prompt: str, *, system: str | None = None, max_tokens: int = 1024
    ) -> str:
        """
        The model's text answer to *prompt*.

        Raises:
            ClaudeError: If the API failed after its retries.
        """
        return self.reply(prompt, system=system, max_tokens=max_tokens).text

    def reply(
        self,
        prompt: str,
        *,
        system: str | None = None,
        max_tokens: int = 1024,
        on_text: Callable[[str], None] | None = None,
    ) -> ClaudeReply:
        """
        The model's answer to *prompt*, with its usage and cost.

        Args:
            prompt: The user turn.

            system: The system prompt, or None.

            max_tokens: At most how many tokens the answer may have
                (capped by the provider's own ``max_tokens``).

            on_text: Called with each piece of the answer as it streams
                in; giving it streams the answer.

        Raises:
            ClaudeError: If the API failed after its retries.
        """
        request = self._request(prompt, system, max_tokens)
        try:
            message = self._send(request, on_text)
        except anthropic.APIError as exc:
            failure = _describe(exc)
        else:
            return self._reply_of(message)
        raise ClaudeError(_NAME, failure)  # outside the handler: no context

    def count_prompt_tokens(
        self, prompt: str, *, system: str | None = None
    ) -> int:
        """
        The tokens *prompt* and *system* take, as the API's count endpoint
        says.

        Raises:
            ClaudeError: If the API failed after its retries.
        """
        request = self._request(prompt, system, 1)
        del request["max_tokens"]
        try:
            counted = self._client.messages.count_tokens(**request)
        except anthropic.APIError as exc:
            failure = _describe(exc)
        else:
            return int(counted.input_tokens)
        raise ClaudeError(_NAME, failure)

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        """
        Dollars for *input_tokens* and *output_tokens* at this model's
        list price.
        """
        return cost_of(self.price, input_tokens, output_tokens)

    def _request(
        self, prompt: str, system: str | None, max_tokens: int
    ) -> dict[str, Any]:
        if self.max_tokens is not None:
            max_tokens = min(max_tokens, self.max_tokens)
        request: dict[str, Any] = {
            "model": self.model,
            "max_tokens": max_tokens,
            "messages": [{"role": "user", "content": prompt}],
        }
        if system:
            request["system"] = system
        return request

    def _send(
        self,
        request: dict[str, Any],
        on_text: Callable[[str], None] | None,
    ) -> Message:
        if on_text is None and not self.stream:
            created: Message = self._client.messages.create(**request)
            return created
        with self._client.messages.stream(**request) as stream:
            for piece in stream.text_stream:
                if on_text is not None:
                    on_text(piece)
            return stream.get_final_message()

    def _reply_of(self, message: Message) -> ClaudeReply:
        usage = message.usage
        writes = usage.cache_creation_input_tokens or 0
        reads = usage.cache_read_input_tokens or 0
        text = "".join(
            block.text for block in message.content if block.type == "text"
        )
        return ClaudeReply(
            text,
            input_tokens=usage.input_tokens + writes + reads,
            output_tokens=usage.output_tokens,
            cost_usd=cost_of(
                self.price,
                usage.input_tokens,
                usage.output_tokens,
                writes,
                reads,
            ),
            model=message.model,
            stop_reason=message.stop_reason,
        )


def _describe(exc: anthropic.APIError) -> str:
    if isinstance(exc, anthropic.APIStatusError):
        kind = f" {exc.type}" if getattr(exc, "type", None) else ""
        said = getattr(exc, "api_message", None) or exc.message
        return f"the Messages API answered {exc.status_code}{kind}: {said}"
    if isinstance(exc, anthropic.APITimeoutError):
        return "the Messages API did not answer in time"
    if isinstance(exc, anthropic.APIConnectionError):
        return f"could not reach the Messages API at {exc.request.url}"
    return f"the Messages API failed: {exc.message}"
