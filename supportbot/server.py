"""The aiohttp application: adapters' routes, the intake API, health and metrics, and the
background loops (timers, outbox, workflow reload) that make the desk run."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from supportbot import body_limits, intake
from supportbot.adapter import AdapterContext, AdapterPlugin, discover_plugins
from supportbot.clock import Clock
from supportbot.composition import build_desk
from supportbot.config import Config
from supportbot.desk import Desk
from supportbot.pipeline.runner import Pipeline

log = logging.getLogger(__name__)
DESK = web.AppKey("desk", Desk)
# Done once every feature's start-up work in the background is (`Hooks.warm_up`): what it built
# lasts for the process (`supportbot serve` then freezes it out of the garbage collector's way).
WARM = web.AppKey("warm", asyncio.Future[None])
INBOX_KEEP = timedelta(days=7)  # run events are kept this long to drop platform retries
DRAIN_SECONDS = 10.0


def create_app(
    config: Config,
    env: Mapping[str, str],
    *,
    clock: Clock | None = None,
    plugins: Mapping[str, AdapterPlugin] | None = None,
    workflows_dir: Path | None = None,
    migrate: bool = True,
    poll_interval: float = 1.0,
) -> web.Application:
    """Build the whole server. `migrate=False` creates tables from the models (tests)."""
    desk = build_desk(config, clock=clock, workflows_dir=workflows_dir, env=env)
    app = web.Application(middlewares=[body_limits.limit_bodies()])  # 413, before reading
    app[DESK] = desk
    ctx = AdapterContext(
        config=config,
        env=env,
        app=app,
        sink=desk,
        directory=desk.people,
        sessions=desk.db.sessions,
        public_url=config.public_url,
    )
    for name, plugin in (plugins if plugins is not None else discover_plugins()).items():
        adapter = plugin.create(ctx)
        if adapter is not None:
            desk.adapters[adapter.platform] = adapter
            log.info("adapter %s is on", name)
    desk.adapters.setdefault("intake", intake.IntakeAdapter(desk))
    intake.mount(app, desk)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/metrics", _metrics)
    app.cleanup_ctx.append(_lifecycle(desk, ctx, migrate, poll_interval))
    return app


def _lifecycle(
    desk: Desk, ctx: AdapterContext, migrate: bool, poll_interval: float
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        pipeline = _pipeline(desk)
        loops: list[asyncio.Task[Any]] = []
        try:
            await prepare_database(desk, migrate=migrate)
            for adapter in desk.adapters.values():
                await adapter.start()
            await pipeline.recover()
            loops += [
                asyncio.create_task(_every(poll_interval, pipeline.run_due_timers)),
                asyncio.create_task(_every(poll_interval, pipeline.poll)),
                asyncio.create_task(_every(poll_interval * 5, desk.courier.retry_due)),
                asyncio.create_task(_every(3600, lambda: pipeline.inbox.prune(INBOX_KEEP))),
            ]
            for background in desk.hooks.background_tasks:
                name = f"{background.owner} background"
                loops.append(asyncio.create_task(background.value(desk), name=name))
            warm = asyncio.create_task(_warm_up(desk), name="warm-up")
            loops.append(warm)
            app[WARM] = warm
        except BaseException:
            for task in loops:
                task.cancel()
            await desk.db.close()  # a start that failed leaves no connection open
            raise
        try:
            yield
        finally:
            try:
                await _shut_down(desk, ctx, pipeline, loops)
            finally:
                await desk.db.close()  # whatever failed above, no connection outlives the app

    return lifecycle


async def _warm_up(desk: Desk) -> None:
    for hook in desk.hooks.warm_ups:
        try:
            await hook.value(desk)
        except Exception:  # a feature that could not warm up still serves, only colder
            log.exception("the %s feature's warm-up failed", hook.owner)


async def _shut_down(
    desk: Desk, ctx: AdapterContext, pipeline: Pipeline, loops: list[asyncio.Task[Any]]
) -> None:
    for task in loops:
        task.cancel()
    for task in loops:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    for adapter in desk.adapters.values():
        await adapter.stop()  # adapters stop taking requests; what they stored runs now
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(DRAIN_SECONDS):
            await pipeline.drain()
    await pipeline.stop()
    for hook in ctx.on_shutdown:
        await hook()
    for feature_hook in desk.hooks.shutdown_hooks:
        await feature_hook.value(desk)


def _pipeline(desk: Desk) -> Pipeline:
    if not isinstance(desk.pipeline, Pipeline):
        raise RuntimeError("the server needs the desk's event pipeline")
    return desk.pipeline


async def prepare_database(desk: Desk, *, migrate: bool) -> None:
    if migrate:
        from supportbot.store.readiness import upgrade_if_behind
        from supportbot.store.revisions import require_current

        url = desk.db.url
        await (upgrade_if_behind(url) if desk.db.is_sqlite else require_current(url))
    else:
        await desk.db.create_all()
    async with desk.db.sessions.begin() as s:
        await desk.people.sync(s)
    await intake.sync_keys(desk)


async def _every(seconds: float, job: Callable[[], Awaitable[object]]) -> None:
    while True:
        try:
            await job()
        except Exception:  # a failing pass must not end the loop; the next one tries again
            log.exception("background job failed")
        await asyncio.sleep(seconds)


async def _healthz(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    try:
        stats = await _pipeline(desk).inbox.stats()
    except Exception as exc:  # report, don't crash: this is what health checks are for
        return web.json_response({"status": "error", "database": str(exc)}, status=503)
    lag = (desk.clock.now() - stats.oldest).total_seconds() if stats.oldest else 0.0
    behind = lag > desk.config.pipeline.max_lag.total_seconds()
    return web.json_response(
        {
            "status": "degraded" if behind else "ok",
            "adapters": sorted(desk.adapters),
            "inbox": {"pending": stats.depth, "lag_seconds": round(lag, 3)},
        }
    )


async def _metrics(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    if desk.metrics is None:
        return web.Response(text="", content_type="text/plain")
    stats = await _pipeline(desk).inbox.stats()
    lag = (desk.clock.now() - stats.oldest).total_seconds() if stats.oldest else 0.0
    desk.metrics.observe_pipeline(inbox=stats.depth, lag=lag, outbox=await desk.courier.depth())
    return web.Response(
        body=desk.metrics.render(),
        headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"},
    )
