"""`supportbot slack …` subcommands; the core CLI finds `add_commands` through the
`supportbot.cli` entry point and passes it its subparsers."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from supportbot_slack.manifest import ManifestError, check_public_url, manifest


def add_commands(subparsers: Any) -> None:
    """Add `slack manifest` (`subparsers` from `ArgumentParser.add_subparsers`).

    Leaf parsers set `handler(args) -> int` (the exit code), as the core CLI dispatches.
    """
    slack = subparsers.add_parser("slack", help="Slack adapter tools")
    commands = slack.add_subparsers(metavar="ACTION")
    cmd = commands.add_parser(
        "manifest",
        help="print the Slack app manifest (YAML) to paste when creating the app",
        description="Print the Slack app manifest for api.slack.com/apps → From a manifest.",
    )
    cmd.add_argument("--public-url", help="the desk's public https URL (default: the config's)")
    cmd.add_argument("--name", help="the app's name in Slack (default: the config's desk_name)")
    cmd.add_argument("--socket-mode", action="store_true", help="no request URLs: Socket Mode")
    cmd.set_defaults(handler=print_manifest)


def print_manifest(args: argparse.Namespace) -> int:
    """Print the manifest; a manifest Slack would reject is a sentence and exit code 2."""
    public_url, name = args.public_url, args.name
    if public_url is None or name is None:
        from supportbot.cli import read_config  # the core's config lookup (--config, env)

        config = read_config(args)
        public_url = config.public_url if public_url is None else public_url
        name = config.desk_name if name is None else name  # an explicit --name "" is refused
    try:
        text = manifest(public_url, name, socket_mode=args.socket_mode)
    except ManifestError as exc:
        print(f"supportbot slack manifest: {exc}", file=sys.stderr)
        return 2
    for warning in [] if args.socket_mode else check_public_url(public_url):
        print(f"warning: {warning}", file=sys.stderr)
    sys.stdout.write(text)
    return 0
