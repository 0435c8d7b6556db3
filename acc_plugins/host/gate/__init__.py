"""
The security gate: consent (grants), quarantine, the audit trail, and
the scanner at load time.
"""
