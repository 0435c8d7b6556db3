"""
Third-party code dropped unchanged into plugin modules: the pyperformance
programs and small pure-Python modules from PyPI, downloaded at run time
(never kept in the repository), run as plain Python and as plugin code.
"""
