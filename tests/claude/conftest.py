"""
Fixtures of the Claude tests.
"""

from tests.claude.scripted_api import messages_api


__all__ = ["messages_api"]
