"""YAML workflows: triggers → conditions → actions, validated once, evaluated per happening.

registry.py   the extension point (actions and conditions, each a handler plus a schema)
loader.py     files → a typed `WorkflowSet`, every problem with file:line:col
engine.py     `WorkflowEngine.run(happening, turn)`, hot `reload()`, timers for `wait`
cli.py        `supportbot workflows validate | schema | test | replay`
"""
