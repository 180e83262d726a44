"""Is the From address really the sender's? Trusted only on evidence.

Anyone can write any From. We believe it when
1. an `Authentication-Results` field (RFC 8601) added by *our* relay — its authserv-id is in
   `EMAIL_TRUSTED_AUTHSERV_IDS`; fields with other ids may be forged by the sender and are
   ignored — says `dmarc=pass` for the From domain, or `dkim=pass` / `spf=pass` for a domain
   aligned with it; or
2. with `EMAIL_DKIM_VERIFY=1`, a DKIM signature checked here (dkimpy) verifies for a domain
   aligned with the From domain.
Alignment is DMARC's relaxed one, approximated without the public suffix list: the domains are
equal, or one is a subdomain of the other and the shorter has a dot (`com` never aligns).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

import authres
import dkim

from supportbot_email.parse import ParsedMail

log = logging.getLogger(__name__)
DnsLookup = Callable[..., bytes | None]  # dkimpy's dnsfunc(name, timeout=5) -> TXT bytes


@dataclass(frozen=True, slots=True)
class Verdict:
    verified: bool
    how: str  # "dmarc", "dkim", "spf" (relay's results), "dkim-local", or why not


@dataclass(frozen=True, slots=True)
class SenderCheck:
    trusted_authserv_ids: frozenset[str]
    dkim_verify: bool = False
    dns: DnsLookup | None = None  # tests inject a resolver; None: dkimpy asks DNS

    async def verdict(self, mail: ParsedMail, raw: bytes) -> Verdict:
        domain = mail.sender.rpartition("@")[2]
        found = relay_verdict(mail, self.trusted_authserv_ids, domain)
        if found is not None and found.verified:
            return found
        if self.dkim_verify:
            local = await asyncio.to_thread(self._dkim, raw, domain)
            if local.verified:
                return local
        return found or Verdict(False, "no trusted Authentication-Results")

    def _dkim(self, raw: bytes, domain: str) -> Verdict:
        count = sum(1 for k, _ in _raw_items(raw) if k == "dkim-signature")
        for index in range(count):
            checker = dkim.DKIM(raw)
            try:
                ok = checker.verify(idx=index, **({"dnsfunc": self.dns} if self.dns else {}))
            except dkim.DKIMException as exc:
                log.info("DKIM signature %d does not verify: %s", index, exc)
                continue
            signer = (checker.domain or b"").decode("ascii", "replace").lower()
            if ok and aligned(signer, domain):
                return Verdict(True, "dkim-local")
        return Verdict(False, "no aligned DKIM signature verifies")


def relay_verdict(mail: ParsedMail, trusted: frozenset[str], domain: str) -> Verdict | None:
    """What our relay's Authentication-Results say about `domain`, or None if it said nothing."""
    verdict: Verdict | None = None
    for value in mail.raw_headers("Authentication-Results"):
        try:
            parsed = authres.AuthenticationResultsHeader.parse_value(" ".join(value.split()))
        except authres.AuthResError:
            continue
        if str(parsed.authserv_id).lower() not in trusted:
            continue  # anyone can write this header; only our relay's count
        for result in parsed.results:
            method, outcome = str(result.method).lower(), str(result.result).lower()
            if _aligned_result(method, result.properties, domain):
                if outcome == "pass":
                    return Verdict(True, method)
                verdict = verdict or Verdict(False, f"{method}={outcome}")
    return verdict


def _aligned_result(method: str, properties: list[object], domain: str) -> bool:
    values = {
        f"{getattr(p, 'type', '')}.{getattr(p, 'name', '')}".lower(): str(getattr(p, "value", ""))
        for p in properties
    }
    if method == "dmarc":
        return values.get("header.from", "").lower() == domain
    if method == "dkim":
        signer = values.get("header.d") or values.get("header.i", "").rpartition("@")[2]
        return aligned(signer.lower(), domain)
    if method == "spf":
        envelope = values.get("smtp.mailfrom", "").rpartition("@")[2]
        return aligned(envelope.lower(), domain)
    return False


def aligned(signer: str, domain: str) -> bool:
    if not signer or not domain:
        return False
    if signer == domain:
        return True
    shorter, longer = sorted((signer, domain), key=len)
    return "." in shorter and longer.endswith("." + shorter)


def _raw_items(raw: bytes) -> list[tuple[str, str]]:
    from email import policy
    from email.parser import BytesHeaderParser

    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
    return [(k.lower(), str(v)) for k, v in headers.items()]
