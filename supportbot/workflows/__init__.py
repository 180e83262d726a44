"""YAML workflows: triggers → conditions → actions, validated once, evaluated per happening.

registry.py   actions and conditions, each a handler plus a schema (filled by features)
loader.py     files → a typed `WorkflowSet`, every problem with file:line:col
engine.py     `WorkflowEngine.run(happening, turn, desk)`, hot `reload()`, timers for `wait`
feature.py    the built-in feature that gives a desk its engine
cli.py        `supportbot workflows validate | schema | test | replay | reference`
"""
