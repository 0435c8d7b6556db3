{% include "kinds/" ~ cookiecutter.kind ~ ".py" %}
