"""`workbench serve`: the terminal UI in a browser, through textual-serve.

Each browser session runs its own `workbench tui` process on the same database (SQLite
in WAL mode takes several processes). What a shared service needs on top of
textual-serve: a token on every request (compared in constant time; a wrong or missing
one gets 403 and no process), kept out of the logs; the annotator's name, asked once per
browser (unless the server fixes it); a limit on concurrent sessions; idle sessions
closed; and no request to any other host (the page loads only what this server serves).
"""

from __future__ import annotations

import asyncio
import hmac
import html
import logging
import re
import secrets
import shlex
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from workbench.config import DB_ENV

TOKEN_COOKIE = "workbench_token"
ANNOTATOR_COOKIE = "workbench_annotator"
# An annotator's name as the change log records it (and as a shell argument, quoted).
ANNOTATOR_NAME = re.compile(r"^[\w .@-]{1,64}$")

log = logging.getLogger("workbench.serve")


class SessionProcess(AppService):
    """One browser session's TUI process, told its database in its environment rather
    than on its command line, where anyone on the machine could read a URL's password
    (`ps`); the environment of a process is its owner's to read."""

    def __init__(self, command: str, *, database: str, **service: Any) -> None:
        super().__init__(command, **service)
        self.database = database

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment[DB_ENV] = self.database
        return environment


@dataclass(frozen=True)
class ServeOptions:
    """What `workbench serve` was asked for."""

    db: Path | str  # a database file, or a postgresql:// URL
    host: str = "127.0.0.1"
    port: int = 8000
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    annotator: str | None = None  # fixes the annotator for every session
    plugins_dir: Path | None = None
    max_sessions: int = 8
    idle_minutes: float = 30.0

    @property
    def url(self) -> str:
        """The address to open, token included (as Jupyter prints it)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/?token={self.token}"


def valid_annotator(name: str) -> bool:
    """Whether `name` can be an annotator's name."""
    return bool(ANNOTATOR_NAME.match(name)) and bool(name.strip())


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Access log lines without query strings: the token never reaches a log."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %s %.3fs",
            request.remote,
            request.method,
            request.path,
            response.status,
            time,
        )


def _page(title: str, body: str, status: int = 200) -> web.Response:
    """A small HTML page; every text from outside is escaped by the caller."""
    return web.Response(
        status=status,
        content_type="text/html",
        text=(
            "<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>{title}</title>"
            "<style>body{background:#0c181f;color:#eee;font-family:monospace;"
            "font-size:16px;margin:4em auto;max-width:40em}input,button{font:inherit;"
            "padding:6px}</style></head>"
            f"<body>{body}</body></html>"
        ),
    )


class WorkbenchServer(Server):
    """textual-serve's server with Workbench's access rules and per-session annotator."""

    def __init__(self, options: ServeOptions) -> None:
        here = Path(__file__).resolve().parent
        super().__init__(
            command="workbench tui",
            host=options.host,
            port=options.port,
            title="Workbench",
            templates_path=here / "templates",
        )
        self.options = options
        self.sessions = 0
        self._last_input: dict[int, float] = {}

    # -- access ----------------------------------------------------------------------

    def _token_ok(self, request: web.Request) -> bool:
        given = request.query.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
        return hmac.compare_digest(given.encode(), self.options.token.encode())

    @web.middleware
    async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.startswith("/static/"):  # the page's script and style sheet only
            static: web.StreamResponse = await handler(request)
            return static
        if not self._token_ok(request):
            return _page(
                "Workbench: no access",
                "<h1>403</h1><p>This Workbench needs the token from the address the server "
                "printed when it started (<code>/?token=…</code>).</p>",
                status=403,
            )
        response: web.StreamResponse = await handler(request)
        if "token" in request.query:
            response.set_cookie(
                TOKEN_COOKIE, request.query["token"], httponly=True, samesite="Strict"
            )
        return response

    def _annotator(self, request: web.Request) -> str | None:
        if self.options.annotator:
            return self.options.annotator
        name = request.query.get("annotator") or request.cookies.get(ANNOTATOR_COOKIE) or ""
        name = " ".join(name.split())
        return name if valid_annotator(name) else None

    def _full(self) -> web.Response:
        return _page(
            "Workbench: all sessions in use",
            f"<h1>All {self.options.max_sessions} sessions are in use</h1>"
            "<p>Close another Workbench tab, or try again in a moment.</p>",
            status=503,
        )

    # -- pages -----------------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._guard)
        return app

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        annotator = self._annotator(request)
        if annotator is None:
            asked = request.query.get("annotator")
            problem = (
                "<p>A name is 1 to 64 letters, digits, spaces or <code>.@_-</code>.</p>"
                if asked is not None
                else ""
            )
            return _page(
                "Workbench: who is annotating?",
                "<h1>Workbench</h1><form method='get' action='/'>"
                "<p><label>Your name as annotator: <input name='annotator' autofocus "
                f"value='{html.escape(asked or '', quote=True)}'></label> "
                "<button>Start</button></p>"
                "<p>Your changes are recorded under this name, and your undo only ever "
                "takes back your own work. This browser remembers it.</p>"
                f"{problem}</form>",
            )
        if self.sessions >= self.options.max_sessions:
            return self._full()
        # The page's addresses are the ones the browser used (a proxy in front for TLS
        # says so in X-Forwarded-Proto).
        scheme = "https" if request.headers.get("X-Forwarded-Proto") == "https" else "http"
        self.public_url = f"{scheme}://{request.host}"
        response = await super().handle_index(request)
        if not self.options.annotator:
            response.set_cookie(
                ANNOTATOR_COOKIE, annotator, max_age=365 * 24 * 3600, samesite="Strict"
            )
        return response

    def session_command(self, annotator: str) -> str:
        """The shell command of one session's TUI process (the database is given in its
        environment: see `SessionProcess`)."""
        parts = [sys.executable, "-m", "workbench", "--annotator", annotator]
        if self.options.plugins_dir is not None:
            parts += ["--plugins-dir", str(self.options.plugins_dir)]
        return shlex.join([*parts, "tui"])

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        annotator = self._annotator(request)
        if annotator is None or self.sessions >= self.options.max_sessions:
            raise web.HTTPServiceUnavailable(text="no session available")
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        self.sessions += 1
        service: AppService | None = None
        try:
            await websocket.prepare(request)

            async def close() -> None:
                await websocket.close()

            service = SessionProcess(
                self.session_command(annotator),
                database=str(self.options.db),
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await service.start(width, height)
            watchdog = asyncio.create_task(self._close_when_idle(websocket))
            try:
                self._last_input[id(websocket)] = time.monotonic()
                await self._relay(websocket, service)
            finally:
                watchdog.cancel()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception:
            log.exception("a session stopped on an error")
        finally:
            self.sessions -= 1
            self._last_input.pop(id(websocket), None)
            if service is not None:
                await service.stop()
        return websocket

    async def _relay(self, websocket: web.WebSocketResponse, service: AppService) -> None:
        """The browser's keys, resizes and pings to the session (as textual-serve does),
        noting the time of each key for the idle timeout."""
        async for message in websocket:
            if message.type != web.WSMsgType.TEXT:
                continue
            envelope = message.json()
            if not isinstance(envelope, list) or not envelope:
                continue
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                self._last_input[id(websocket)] = time.monotonic()
                await service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await service.set_terminal_size(
                    to_int(str(data.get("width")), 80), to_int(str(data.get("height")), 24)
                )
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()

    async def _close_when_idle(self, websocket: web.WebSocketResponse) -> None:
        limit = self.options.idle_minutes * 60
        while not websocket.closed:
            idle = time.monotonic() - self._last_input.get(id(websocket), time.monotonic())
            if idle >= limit:
                log.info("closing a session idle for %.0f minutes", idle / 60)
                await websocket.close()
                return
            await asyncio.sleep(min(limit - idle, 30.0) + 0.1)

    # -- running ---------------------------------------------------------------------

    async def on_startup(self, app: web.Application) -> None:
        # (textual-serve prints its logo and the address without the token)
        return

    def serve(self, debug: bool = False) -> None:
        self.debug = debug
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
        web.run_app(
            self._make_app(),
            host=self.options.host,
            port=self.options.port,
            access_log_class=PathOnlyAccessLogger,
            print=None,
        )
