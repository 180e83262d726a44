"""`supportbot slack …` subcommands, added to the core CLI by `add_commands(subparsers)`."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from supportbot_slack.manifest import manifest


def add_commands(subparsers: Any) -> None:
    """Add `slack manifest` to the core CLI (`subparsers` from `ArgumentParser.add_subparsers`).

    Each leaf parser sets `func(args) -> int` (the exit code), the usual argparse dispatch.
    """
    slack = subparsers.add_parser("slack", help="Slack adapter tools")
    commands = slack.add_subparsers(dest="slack_command", metavar="COMMAND", required=True)
    cmd = commands.add_parser(
        "manifest",
        help="print the Slack app manifest (YAML) to paste when creating the app",
        description="Print the Slack app manifest for api.slack.com/apps → From a manifest.",
    )
    cmd.add_argument("--public-url", help="the desk's public https URL (default: the config's)")
    cmd.add_argument("--name", help="the app's name in Slack (default: the config's desk_name)")
    cmd.add_argument("--socket-mode", action="store_true", help="no request URLs: Socket Mode")
    cmd.set_defaults(func=print_manifest)


def print_manifest(args: argparse.Namespace) -> int:
    public_url, name = args.public_url, args.name
    if public_url is None or name is None:
        from supportbot.config import load_config  # only when the config is needed

        config = load_config(getattr(args, "config", None), os.environ)
        public_url = public_url or config.public_url
        name = name or config.desk_name
    sys.stdout.write(manifest(public_url, name, socket_mode=args.socket_mode))
    return 0
