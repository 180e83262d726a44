"""Where the desk may send an intake ticket's replies (`callback_url`), and how it sends them.

A callback URL comes from an API client, and the desk POSTs to it from inside the network it
runs in; left unchecked it reaches cloud metadata (`http://169.254.169.254/…`) or internal
services. The rules, checked when a ticket is submitted (a 400 naming `callback_url`) and
again before every delivery (addresses change):

- https; http only to this machine, for development (`intake_callbacks.allow_local`);
  no `user:password@` in the URL;
- a key with `callback_hosts` may call only those hosts (`hooks.example.com`, `*.example.com`);
- every address the host resolves to must be public; loopback and private addresses only for
  a host the key lists, or with `allow_local`; link-local (169.254.0.0/16, fe80::/10),
  multicast, unspecified and reserved addresses never;
- the connection goes to the addresses that were checked (the connector's resolver is pinned
  to them), so a DNS answer that changes between the check and the connect changes nothing;
  redirects are not followed; connect and read timeouts apply, and at most
  `max_response_bytes` of an answer is read.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from supportbot.config import Config, IntakeCallbacks, IntakeKey

Resolve = Callable[[str, int], Awaitable[list[str]]]
Reach = Literal["public", "loopback", "private", "never"]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # IPv6 that a gateway turns into IPv4


class CallbackRefusedError(Exception):
    """The callback URL may not be called; the message says why (API clients read it).

    `retryable` is set when the reason may pass (the host did not resolve just now)."""

    def __init__(self, reason: str, *, retryable: bool = False) -> None:
        super().__init__(reason)
        self.retryable = retryable


@dataclass(frozen=True, slots=True)
class Target:
    """A checked callback: the URL, and the addresses it may be reached at."""

    url: URL
    addresses: tuple[str, ...]


async def system_resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def reach(address: str) -> Reach:
    """What kind of place an address is (IPv4 inside IPv6 judged as the IPv4 it carries)."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
        address.partition("%")[0]
    )
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        elif ip.sixtofour is not None:
            ip = ip.sixtofour
    if ip.is_loopback:  # before "reserved": ::1 lies in the reserved ::/8
        return "loopback"
    if ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return "never"
    return "public" if ip.is_global else "private"


def host_matches(host: str, patterns: Sequence[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host.endswith(p[1:]) if p.startswith("*.") else host == p for p in patterns if p)


class CallbackPolicy:
    """The rules above, for one desk's `intake_callbacks` and `intake_keys`."""

    def __init__(
        self,
        settings: IntakeCallbacks,
        keys: Sequence[IntakeKey] = (),
        *,
        resolve: Resolve = system_resolve,
    ) -> None:
        self.settings = settings
        self._hosts = {key.name: tuple(key.callback_hosts) for key in keys}
        self._resolve = resolve

    @classmethod
    def from_config(cls, config: Config, *, resolve: Resolve = system_resolve) -> CallbackPolicy:
        return cls(config.intake_callbacks, config.intake_keys, resolve=resolve)

    async def check(self, url: str, *, key: str | None) -> Target:
        """The target to call, or `CallbackRefusedError` saying why not."""
        parsed = URL(url)
        host = self._host_of(parsed, key)
        trusted = self.settings.allow_local or host_matches(host, self._hosts.get(key or "", ()))
        addresses = await self._addresses(host, parsed.port or 443)
        kinds = {reach(address) for address in addresses}
        if "never" in kinds:
            raise CallbackRefusedError(f"{host} points at a link-local or reserved address")
        if not trusted and kinds & {"loopback", "private"}:
            raise CallbackRefusedError(
                f"{host} points at a private or loopback address; list it in the key's "
                "callback_hosts to allow it"
            )
        if parsed.scheme == "http" and kinds != {"loopback"}:
            raise CallbackRefusedError("use https (http is only for this machine, in development)")
        return Target(parsed, tuple(addresses))

    def timeout(self) -> aiohttp.ClientTimeout:
        connect = self.settings.connect_timeout.total_seconds()
        read = self.settings.read_timeout.total_seconds()
        return aiohttp.ClientTimeout(total=connect + read, sock_connect=connect, sock_read=read)

    def _host_of(self, url: URL, key: str | None) -> str:
        if not url.is_absolute() or url.scheme not in ("https", "http") or not url.host:
            raise CallbackRefusedError("must be an absolute https URL")
        if url.user is not None or url.password is not None:
            raise CallbackRefusedError("must not carry a user name or password")
        host = url.host.lower().rstrip(".")
        allowed = self._hosts.get(key or "", ())
        if allowed and not host_matches(host, allowed):
            raise CallbackRefusedError(f"{host} is not among this key's callback_hosts")
        return host

    async def _addresses(self, host: str, port: int) -> list[str]:
        try:
            ipaddress.ip_address(host.strip("[]"))
            return [host.strip("[]")]
        except ValueError:
            pass  # a name: resolve it
        try:
            async with asyncio.timeout(self.settings.connect_timeout.total_seconds()):
                found = await self._resolve(host, port)
        except (OSError, TimeoutError) as exc:  # TimeoutError: a DNS server that never answers
            raise CallbackRefusedError(f"{host} does not resolve", retryable=True) from exc
        if not found:
            raise CallbackRefusedError(f"{host} does not resolve", retryable=True)
        return found


class PinnedResolver(AbstractResolver):
    """Answers the connector with the checked addresses only, never asking DNS again."""

    def __init__(self, target: Target) -> None:
        self._target = target

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host.lower().rstrip(".") != (self._target.url.host or "").lower().rstrip("."):
            raise OSError(f"{host} was not checked")
        return [_result(host, address, port) for address in self._target.addresses]

    async def close(self) -> None:
        return None


def _result(host: str, address: str, port: int) -> ResolveResult:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    return ResolveResult(
        hostname=host,
        host=address,
        port=port,
        family=family,
        proto=0,
        flags=socket.AI_NUMERICHOST,
    )


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    text: str  # the start of the body, at most `max_response_bytes`


async def post_json(target: Target, payload: Any, policy: CallbackPolicy) -> Answer:
    """POST `payload` to the checked target; raises aiohttp's errors and `TimeoutError`."""
    connector = aiohttp.TCPConnector(resolver=PinnedResolver(target), use_dns_cache=False)
    async with (
        aiohttp.ClientSession(connector=connector, timeout=policy.timeout()) as http,
        http.post(target.url, json=payload, allow_redirects=False) as response,
    ):
        limit = policy.settings.max_response_bytes
        start = await response.content.read(limit) if limit else b""
        return Answer(response.status, start.decode("utf-8", "replace"))
