{% include "tests/" ~ cookiecutter.kind ~ ".py" %}
