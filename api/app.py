"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine

from api.camera_metrics import CameraHealthCollector
from api.console import compliance as compliance_console
from api.console import disposal as disposal_console
from api.console import maintenance as maintenance_console
from api.console import monitoring as monitoring_console
from api.console import reports as reports_console
from api.console.admin import routers as admin_console_routers
from api.console.footage import router as footage_console_router
from api.console.routes import mount_console
from api.console.shift_logs import router as shift_console_router
from api.context import AppContext
from api.errors import install_error_handlers
from api.middleware import BodyLimitMiddleware, RequestMiddleware
from api.notify import Notifier
from api.routes import (
    alerts,
    audit,
    auth,
    cameras,
    console_status,
    health,
    maintenance_equipment,
    maintenance_faults,
    reports,
    users,
)
from api.routes.camera_onvif import router as camera_onvif_router
from api.routes.duty_rules import router as duty_rules_router
from api.routes.footage import router as footage_router
from api.routes.footage_media import router as footage_media_router
from api.routes.internal_live import router as internal_live_router
from api.routes.ptz import router as ptz_router
from api.routes.shift_logs import router as shift_logs_router
from config.settings import Settings
from core.clock import Clock, SystemClock
from db.session import make_engine, make_session_factory

__all__ = ["create_app"]


def create_app(settings: Settings, *, engine: Engine | None = None, clock: Clock | None = None) -> FastAPI:
    """Build the app for `settings`; the database schema must already be migrated."""
    engine = engine or make_engine(settings.database, base_dir=None)
    ctx = AppContext(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        clock=clock or SystemClock(),
        notifier=Notifier(settings.database.url.get_secret_value()),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if ctx.notifier is not None:
            ctx.notifier.stop()

    app = FastAPI(
        title="controlroom",
        summary="Video-monitoring control room: cameras, alerts, duty log, handovers, footage under approval.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    ctx.metrics.registry.register(CameraHealthCollector(ctx.session_factory))
    install_error_handlers(app)
    for router in (
        health.router,
        auth.router,
        users.router,
        audit.router,
        cameras.router,
        alerts.router,
        console_status.router,
    ):
        app.include_router(router)
    app.include_router(shift_logs_router)
    app.include_router(shift_console_router)
    app.include_router(footage_router)
    app.include_router(footage_media_router)
    app.include_router(footage_console_router)
    app.include_router(ptz_router)
    app.include_router(internal_live_router)
    app.include_router(camera_onvif_router)
    # the JSON routes and the console pages of maintenance and reports (api.routes never imports api.console)
    for part in (
        maintenance_equipment,
        maintenance_faults,
        maintenance_console,
        reports,
        disposal_console,
        reports_console,
    ):
        app.include_router(part.router)
    app.include_router(duty_rules_router)
    app.include_router(monitoring_console.router)
    app.include_router(compliance_console.router)
    for admin_router in admin_console_routers:
        app.include_router(admin_router)
    mount_console(app)
    app.add_middleware(BodyLimitMiddleware, limits=settings.limits)
    app.add_middleware(RequestMiddleware, ctx=ctx)
    return app
