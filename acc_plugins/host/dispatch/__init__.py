"""
Dispatch: calls from the application into plugins (tools, agents,
workflows), prompt contributions, and the compiled fast path.
"""
