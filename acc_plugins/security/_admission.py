"""
What a policy's admission decision is made of: where a plugin came from
(`Provenance`), the signatures the policy requires, and the `Verdict`.

Why one verdict for install and load: a plugin must be judged by the same
rules when it arrives and every time it starts, or a plugin installed
before the policy changed would keep running under the old rules.  The
installer and the host's loading gate both ask `Policy.admit`, and both
show the verdict's reasons as they are.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Final, Protocol

import attrs


if TYPE_CHECKING:
    from collections.abc import Sequence

_REGISTRY_SOURCE: Final = "registry:"


class Provenance(Protocol):
    """
    Where an installed plugin came from, as far as a policy cares:
    ``acc_plugins.market`` 's ``Origin`` (``.accp-origin.json``) is one.
    """

    @property
    def source(self) -> str:
        """
        ``registry:<name>``, or the archive or folder installed from.
        """
        ...

    @property
    def publisher(self) -> str | None:
        """
        Who published it, as the registry names them.
        """
        ...

    @property
    def key_id(self) -> str | None:
        """
        The key that signed its archive; None when unsigned.
        """
        ...

    @property
    def verified(self) -> bool:
        """
        Whether that key was vouched for or trusted when it was installed.
        """
        ...


class Signatures(enum.Enum):
    """
    The signatures a policy requires of every plugin.
    """

    NONE = "none"
    """Any plugin, signed or not, local folders included."""

    SIGNED = "signed"
    """Only plugins installed from a signed archive."""

    VERIFIED = "verified"
    """Only plugins whose signing key the registry's owner vouches for or
    the user trusts."""


def registry_of(origin: Provenance | None) -> str | None:
    """
    The name of the registry *origin* was installed from, if it was.
    """
    if origin is None or not origin.source.startswith(_REGISTRY_SOURCE):
        return None
    return origin.source.removeprefix(_REGISTRY_SOURCE) or None


def signature_refusal(
    required: Signatures, origin: Provenance | None
) -> str | None:
    """
    Why *origin* falls short of the *required* signatures, in words; None
    if it does not.
    """
    if required is Signatures.NONE:
        return None
    rule = f'[signatures] require = "{required.value}"'
    if origin is None:
        return f"{rule}, and it is a local folder, not a signed install"
    if origin.key_id is None:
        return f"{rule}, and it was installed unsigned from {origin.source}"
    if required is Signatures.VERIFIED and not origin.verified:
        return (
            f"{rule}, and its signing key {origin.key_id} is neither "
            f"vouched for by its registry's owner nor trusted"
        )
    return None


@attrs.frozen
class Verdict:
    """
    A policy's decision about one plugin.

    Attributes:
        allowed: Whether it may be installed or loaded (or the action
            done).  True in report-only mode even when rules would block.

        reasons: Every rule that blocks it (or, in report-only mode, would
            block it), each naming the policy file; empty when none does.

        report_only: Whether the policy only reports: its blocks are
            logged and audited, and block nothing.
    """

    allowed: bool
    reasons: tuple[str, ...] = ()
    report_only: bool = False

    @property
    def would_block(self) -> bool:
        """
        Whether some rule blocks, or would block in report-only mode.
        """
        return bool(self.reasons)

    @classmethod
    def of(
        cls, rules: Sequence[str], *, source: str, report_only: bool
    ) -> Verdict:
        """
        The verdict of the broken *rules* of the policy at *source*.
        """
        if report_only:
            head = f"would be blocked by policy {source} (report-only)"
        else:
            head = f"blocked by policy {source}"
        reasons = tuple(f"{head}: {rule}" for rule in rules)
        return cls(not reasons or report_only, reasons, report_only)
