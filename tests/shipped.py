"""The shipped config and workflows on a `DeskHarness`, with the intake channel moved to the
in-memory platform as `customers`: a desk as it is delivered, driven by `h.say("customers", …)`."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from pathlib import Path

from supportbot.config import load_config
from supportbot.testing import DeskHarness

REPO = Path(__file__).resolve().parents[1]


def shipped_desk(
    tmp_path: Path, *, cards: bool = False
) -> AbstractAsyncContextManager[DeskHarness]:
    """`cards`: the support channel is on the in-memory platform too (as `support`)."""
    config = load_config(REPO / "config" / "supportbot.yaml", {})
    intake = config.intake_channels[0].model_copy(
        update={"platform": "chat", "channel": "customers"}
    )
    update: dict[str, object] = {"intake_channels": [intake]}
    if cards:
        update["support_channel"] = {**config.support_channel, "chat": "support"}
    config = config.model_copy(update=update)
    return DeskHarness.start(config, tmp_path, workflows_dir=REPO / "workflows")
