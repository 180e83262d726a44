"""The event pipeline: a durable inbox, turns of one transaction each, an outbox after them.

inbox.py   events stored before the ack (group-committed), taken in conversation order
lanes.py   one conversation in order, different conversations side by side
runner.py  one event or due timer → one transaction → the courier (`supportbot.courier`)
"""
