"""Signed links in mail: `GET /csat/{token}?score=N` answers a satisfaction poll with a click.

A token is `<payload>.<signature>`, both base64url without padding: the payload is compact JSON
(the poll, the requester's handle, the mail thread, the reader's language, the expiry as a Unix
time), the signature HMAC-SHA256 over the payload's text with `EMAIL_LINK_SECRET`. Nothing is
stored: the link carries what the click needs, and a forged or edited link fails the signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Literal

Problem = Literal["malformed", "forged", "expired"]


class LinkError(ValueError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(f"the link is {problem}")
        self.problem: Problem = problem


@dataclass(frozen=True, slots=True)
class CsatClaim:
    poll: int
    requester: str  # the person handle the answer is recorded for
    address: str  # the support address (the mail "channel")
    thread: str  # the mail thread's root Message-ID
    locale: str
    expires: int  # Unix seconds


@dataclass(frozen=True, slots=True)
class LinkSigner:
    secret: bytes

    def sign(self, claim: CsatClaim) -> str:
        payload = _b64(json.dumps(asdict(claim), separators=(",", ":"), ensure_ascii=True).encode())
        return f"{payload}.{_b64(self._mac(payload))}"

    def verify(self, token: str, now: datetime) -> CsatClaim:
        payload, dot, signature = token.partition(".")
        if not dot or not payload or not signature:
            raise LinkError("malformed")
        try:
            given = _unb64(signature)
        except (binascii.Error, ValueError) as exc:
            raise LinkError("malformed") from exc
        if not hmac.compare_digest(given, self._mac(payload)):
            raise LinkError("forged")
        claim = _claim(payload)
        if now.timestamp() >= claim.expires:
            raise LinkError("expired")
        return claim

    def _mac(self, payload: str) -> bytes:
        return hmac.new(self.secret, payload.encode("ascii"), hashlib.sha256).digest()


def _claim(payload: str) -> CsatClaim:
    """The signed payload (it verified, so it is ours; still checked, a secret can be shared)."""
    try:
        data = json.loads(_unb64(payload))
        return CsatClaim(
            poll=int(data["poll"]),
            requester=str(data["requester"]),
            address=str(data["address"]),
            thread=str(data["thread"]),
            locale=str(data["locale"]),
            expires=int(data["expires"]),
        )
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise LinkError("malformed") from exc


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not text.isascii():
        raise ValueError("not base64")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
