"""Thread memory in `conversation_refs`, on SQLite and PostgreSQL; attachments on disk."""

from __future__ import annotations

from pathlib import Path

from supportbot_email.attachments import AttachmentStore, human_size
from supportbot_email.parse import Part
from supportbot_email.threads import MAX_REFERENCES, MailThread, ThreadStore

from supportbot.store.db import Database

ROOT = "first-1@mail.customer.example"


async def test_a_reply_to_any_mail_of_the_thread_finds_it(database: Database) -> None:
    store = ThreadStore(database.sessions)
    thread = MailThread(ROOT, "support@acme.example", "dana@customer.example", references=(ROOT,))
    await store.save(thread)
    after = await store.sent(thread, "ours-1@acme.example")
    assert after.references == (ROOT, "ours-1@acme.example")
    assert after.last_inbound == ""  # our own mail is not what we reply to
    assert await store.find(["unknown@x.example", "ours-1@acme.example"]) == after
    assert await store.find([ROOT]) == after
    assert await store.find(["unknown@x.example"]) is None
    assert await store.ticket_of(after) is None  # no ticket links it (the core writes those)


def test_the_references_chain_keeps_the_root_and_the_newest() -> None:
    thread = MailThread(ROOT, "support@acme.example", "dana@customer.example", references=(ROOT,))
    for n in range(30):
        thread = thread.heard(f"m{n}@x.example", inbound=True)
    assert len(thread.references) == MAX_REFERENCES
    assert thread.references[0] == ROOT and thread.references[-1] == "m29@x.example"
    assert thread.last_inbound == "m29@x.example"


async def test_attachments_are_kept_by_content_under_a_safe_name(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path)
    parts = (
        Part("../../etc/passwd", "text/plain", b"x" * 2048),
        Part("画面.png", "image/png", b"\x89PNG"),
    )
    first, second = await store.keep(parts)
    assert first.path.parent.parent == tmp_path and "/" not in first.path.name
    assert first.path.read_bytes() == b"x" * 2048 and first.label == "../../etc/passwd (2 KB)"
    assert second.path.name == "画面.png" and second.label == "画面.png (4 B)"
    assert (await store.keep(parts[:1]))[0].path == first.path  # stored once
    assert human_size(3 * 1024 * 1024) == "3.0 MB"
