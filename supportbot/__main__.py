"""`python -m supportbot` runs the command line."""

from supportbot.cli import main

if __name__ == "__main__":  # not when a spawned worker process imports it (workflows replay)
    raise SystemExit(main())
