"""Connector clients for the Bot Framework REST API, one per service URL, with tokens fetched
off the event loop.

The SDK builds fresh credentials for every connector it makes, and msal fetches their token
with blocking `requests` inside the first call, on the event loop, with no timeout. We keep one
connector per service URL and ask its credentials for the token in a worker thread before each
call: msal caches it on the credentials, so the call itself then signs without network I/O.
"""

from __future__ import annotations

import asyncio
from typing import Any

from botbuilder.integration.aiohttp import CloudAdapter
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import AuthenticationConstants


class Connectors:
    def __init__(self, cloud: CloudAdapter, app_id: str) -> None:
        self._cloud = cloud
        self._app_id = app_id
        self._clients: dict[str, ConnectorClient] = {}

    async def get(self, service_url: str) -> ConnectorClient:
        client = self._clients.get(service_url)
        if client is None:
            client = await self._create(service_url)
            self._clients[service_url] = client
        await _warm_token(client.config.credentials)
        return client

    async def close(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.__aexit__(None, None, None)

    async def _create(self, service_url: str) -> ConnectorClient:
        # What CloudAdapter.create_conversation does to get its connector, minus the call.
        claims = self._cloud.create_claims_identity(self._app_id)
        claims.claims[AuthenticationConstants.SERVICE_URL_CLAIM] = service_url
        factory = self._cloud.bot_framework_authentication.create_connector_factory(claims)
        client: ConnectorClient = await factory.create(service_url, None)
        return client


async def _warm_token(credentials: Any) -> None:
    # Anonymous credentials (emulator mode) have no app id and never fetch a token.
    if credentials is not None and getattr(credentials, "microsoft_app_id", None):
        await asyncio.to_thread(credentials.get_access_token)
