"""What the Slack gate's checks cost per request: parsing, the depth and surrogate walk, and
the pydantic models, for each recorded payload kind and for a large message (40,000
characters of text, 200 blocks). Run: `python -m bench.slack_gate`."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlencode

from supportbot_slack.gate import check

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "slack" / "fixtures"
ROUNDS = 2000


def _bodies() -> dict[str, tuple[str, str]]:
    form = "application/x-www-form-urlencoded"
    event = (FIXTURES / "event_message_shared_channel.json").read_text(encoding="utf-8")
    big = json.loads(event)
    big["event"]["text"] = "あ" * 40_000
    big["event"]["blocks"] = [
        {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
            {"type": "text", "text": f"line {i}", "style": {"bold": True}}]}]}
        for i in range(200)
    ]  # fmt: skip

    def interactive(name: str) -> str:
        return urlencode({"payload": (FIXTURES / name).read_text(encoding="utf-8")})

    large = json.dumps(big, ensure_ascii=False)
    return {
        "event (message)": (event, "application/json"),
        "slash command": ((FIXTURES / "slash_command.form.txt").read_text().strip(), form),
        "block_actions": (interactive("block_actions_approve.json"), form),
        "view_submission": (interactive("view_submission.json"), form),
        "large message (40k chars, 200 blocks)": (large, "application/json"),
    }  # fmt: skip


def main() -> None:
    print(f"Slack gate: parse + walk + validate, mean of {ROUNDS} rounds")
    for name, (body, content_type) in _bodies().items():
        rounds = ROUNDS if len(body) < 10_000 else ROUNDS // 10
        start = time.perf_counter()
        for _ in range(rounds):
            check(body, content_type)
        micros = (time.perf_counter() - start) / rounds * 1e6
        print(f"  {name:<40} {len(body.encode()):>8} bytes  {micros:>9.1f} µs")


if __name__ == "__main__":
    main()
