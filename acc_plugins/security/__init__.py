"""
Security beyond the sandbox: permission checks, the administrator's
policy, the static scanner, and the tamper-evident audit trail.

It knows nothing of the host, the market or the command line.
"""

from ._adminpolicy import Policy
from ._admission import Provenance, Signatures, Verdict
from ._audit import AuditLog
from ._auditentry import AuditEntry, AuditKind, VerifyResult
from ._grants import Grants
from ._policyplugins import Requirement
from ._roots import Roots
from ._rules import RULES, Rule, Severity
from ._scanner import Finding, ScanReport, scan_plugin, scan_source


__all__ = [
    "RULES",
    "AuditEntry",
    "AuditKind",
    "AuditLog",
    "Finding",
    "Grants",
    "Policy",
    "Provenance",
    "Requirement",
    "Roots",
    "Rule",
    "ScanReport",
    "Severity",
    "Signatures",
    "Verdict",
    "VerifyResult",
    "scan_plugin",
    "scan_source",
]
