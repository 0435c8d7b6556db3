"""
The cookiecutter templates ``acc-plugins new`` bakes, shipped as package
data (this folder is ``acc_plugins.templates`` inside the wheel).
"""
