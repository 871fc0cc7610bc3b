"""`ruralqa serve`: a local page and a JSON API over the same library calls as the CLI (Starlette under uvicorn).

The index, the embedding model and the jieba dictionary stay loaded, so a question costs milliseconds. While
`ruralqa index` publishes a new generation the server keeps answering from the one it has, and switches when
CURRENT names another (checked on each request; the previous generation is kept on disk for exactly this).
Nothing in a report reaches the page as HTML: the page sets text only. Reports are looked up by their name in the
index, never by a path joined from the request.
"""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ruralqa import render
from ruralqa.config import Settings
from ruralqa.errors import IndexMissing, RuralQAError, UsageError
from ruralqa.live import Live

MAX_Q = 1000  # longer is refused (413); 200-1000 are cut with a notice, as on the command line
MAX_K = 50
STATIC = Path(str(resources.files("ruralqa") / "static"))

API_DOC = {
    "GET /api/ask?q=&k=&place=&year=&mode=": "what `ruralqa ask --json` prints",
    "GET /api/compare?q=&place=&year=&format=": "what `ruralqa compare --json` prints (format=csv: its --csv)",
    "GET /api/facts?place=&year=&metric=&kind=&limit=": "figure records, as `ruralqa facts --json` prints",
    "GET /api/reports": "the reports with title, place, year, format, passages and status",
    "GET /api/reports/{file}?start=&end=&row=&around=": "a report's text, or the passage at start:end with the "
                                                        "paragraphs around it, with its title and place",
    "GET /healthz": "the live generation and its passage count (503 while there is no index)",
    "POST /mcp": "the MCP tools of `ruralqa mcp` (ask, compare, show, reports, facts) over streamable HTTP, "
                 "when the mcp extra is installed",
}


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status)


def _question(request: Request) -> str:
    q = request.query_params.get("q", "")
    if not q.strip():
        raise UsageError("the question is empty; pass ?q=, e.g. /api/ask?q=万荣县香菇产值是多少")
    if len(q) > MAX_Q:
        raise _TooLong(f"the question has {len(q)} characters; ask in at most {MAX_Q}")
    return q


class _TooLong(RuralQAError):
    pass


def _int(request: Request, name: str, default: int | None, low: int, high: int) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise UsageError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _filters(request: Request) -> tuple[tuple[str, ...], tuple[int, ...]]:
    places = tuple(p[:40] for p in request.query_params.getlist("place") if p.strip())[:10]
    years = tuple(y for y in (_int_value(v) for v in request.query_params.getlist("year")) if y)[:10]
    return places, years


def _int_value(raw: str) -> int | None:
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(f"year must be a year such as 2024, got {raw!r}") from None
    if not 1949 <= value <= 2100:
        raise UsageError(f"year must be between 1949 and 2100, got {value}")
    return value


def create_app(settings: Settings, allowed_hosts: set[str] | None = None):
    """The app; `allowed_hosts` (lower-case names or addresses): refuse requests whose Host header names another."""
    live = Live(settings)

    def guarded(handler):
        async def endpoint(request: Request) -> Response:
            try:
                return await run_in_threadpool(handler, request)  # the work is CPU-bound: keep the loop free
            except IndexMissing as exc:
                return _error(503, str(exc))
            except _TooLong as exc:
                return _error(413, str(exc))
            except _NotFound as exc:
                return _error(404, str(exc))
            except UsageError as exc:
                return _error(400, str(exc))
            except RuralQAError as exc:
                return _error(500, str(exc))
        return endpoint

    def ask(request: Request) -> Response:
        from ruralqa.qa import answer_question

        q = _question(request)
        k = _int(request, "k", 5, 1, MAX_K)
        mode = request.query_params.get("mode", "hybrid")
        places, years = _filters(request)
        index = live.index()
        key = ("ask", index.generation, q, k, mode, places, years)
        body = live.cached(key)
        if body is None:
            result = answer_question(index, q, k=k, mode=mode, embedder=live.embedder(index.model_id),
                                     places=places, years=years)
            body = live.remember(key, render.qa_json(result))
        return JSONResponse(body)

    def compare(request: Request) -> Response:
        from ruralqa.compare import compare as run_compare

        q = _question(request)
        places, years = _filters(request)
        index = live.index()
        key = ("compare", index.generation, q, places, years)
        result = live.cached(key)
        if result is None:
            result = live.remember(key, run_compare(index, q, live.embedder(index.model_id), places=places,
                                                    years=years))
        if request.query_params.get("format") == "csv":
            import io

            out = io.StringIO()
            render.comparison_csv(result, out)
            return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",  # BOM: Excel reads UTF-8
                            headers={"content-disposition": "attachment; filename=compare.csv"})
        return JSONResponse(render.comparison_json(result))

    def facts(request: Request) -> Response:
        from ruralqa import facts as records

        places, years = _filters(request)
        limit = _int(request, "limit", 200, 1, 5000)
        metric, kind = request.query_params.get("metric", ""), request.query_params.get("kind") or None
        index = live.index()
        key = ("facts", index.generation, places, years, metric, kind, limit)
        body = live.cached(key)  # every first screen asks this: read the records once per generation
        if body is None:
            found = records.select(index.figures(), places, years, metric, kind)
            body = live.remember(key, {"total": len(found), "figures": records.rows(found[:limit])})
        return JSONResponse(body)

    def reports(request: Request) -> Response:
        import dataclasses

        from ruralqa.maintenance import report_statuses

        rows = [dataclasses.asdict(r) for r in report_statuses(settings)]
        index = live.index()
        years = set(index.period_years()) | {r.year for r in index.manifest.reports.values() if r.year}
        return JSONResponse({"reports": rows, "places": sorted(set(index.regions)), "years": sorted(years),
                             "generation": index.generation, "passages": index.size})

    def report(request: Request) -> Response:
        from ruralqa.maintenance import show_passage

        name = request.path_params["file"]
        index = live.index()
        record = index.manifest.reports.get(name)
        if record is None:  # looked up by name among the indexed reports: no path is ever built from the request
            raise _NotFound(f"no report named {name!r} in the index; /api/reports lists them")
        row = _int(request, "row", None, 1, 1_000_000)
        start = _int(request, "start", None, 0, 1 << 31)
        end = _int(request, "end", None, 0, 1 << 31)
        around = _int(request, "around", 2, 0, 20)
        body = {"file": name, "title": record.title, "place": record.place, "year": record.year, "row": row}
        if start is None or end is None:
            from ruralqa.maintenance import report_text

            body["text"] = report_text(settings, name, row)
            return JSONResponse(body)
        p = show_passage(settings, name, start, end, row, around)
        body.update(title=p.title or record.title, place=p.place or record.place, before=p.before,
                    passage=p.passage, after=p.after,
                    line_before=p.line_before, line_after=p.line_after, start=start, end=end)
        return JSONResponse(body)

    def healthz(request: Request) -> Response:
        index = live.index()
        return JSONResponse({"ok": True, "generation": index.generation, "passages": index.size,
                             "reports": len(index.manifest.reports), "model": index.model_id})

    async def api(request: Request) -> Response:
        return JSONResponse({"routes": API_DOC})

    async def page(request: Request) -> Response:
        return FileResponse(STATIC / "index.html")

    routes = [
        Route("/", page),
        Route("/api", api),
        Route("/api/ask", guarded(ask)),
        Route("/api/compare", guarded(compare)),
        Route("/api/reports", guarded(reports)),
        Route("/api/facts", guarded(facts)),
        Route("/api/reports/{file:path}", guarded(report)),
        Route("/healthz", guarded(healthz)),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    lifespan = None
    mcp_app = _mcp_app(settings, live)
    if mcp_app is not None:  # the same tools as `ruralqa mcp`, for assistants that speak HTTP
        routes += mcp_app.routes
        lifespan = mcp_app.router.lifespan_context
    return _guarded(Starlette(routes=routes, lifespan=lifespan), allowed_hosts)


def _mcp_app(settings: Settings, live: Live):
    """The MCP tools at /mcp (streamable HTTP), when the `mcp` extra is installed. Host names are checked by
    `_guarded` for every route alike, so the SDK's own check (which knows no --allow-host) is off."""
    try:
        from mcp.server.transport_security import TransportSecuritySettings
    except ImportError:
        return None
    from ruralqa.assistant import build_server

    return build_server(settings, live).streamable_http_app(
        streamable_http_path="/mcp", stateless_http=True, json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False))


# Sent with every response: the page loads only its own script and style, is never framed, and leaks no URL.
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                                 b"form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def loopback(host: str) -> bool:
    import ipaddress

    try:
        return host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _guarded(app, allowed_hosts: set[str] | None):
    """Security headers on every response; with `allowed_hosts`, a request whose Host header names another host is
    refused (a page on another site that rebinds its DNS name to 127.0.0.1 cannot reach the server)."""

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        if allowed_hosts is not None:
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name.strip("[]").lower() not in allowed_hosts:
                body = JSONResponse({"error": f"Host {host!r} is not served here; open the page as "
                                              "http://127.0.0.1:PORT/ or start `ruralqa serve --allow-host NAME`",
                                     "status": 421}, status_code=421)
                return await _with_headers(body)(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = dict(message, headers=[*message.get("headers", []), *SECURITY_HEADERS])
            await send(message)
        await app(scope, receive, send_with_headers)
    return wrapped


def _with_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS:
        response.headers[name.decode()] = value.decode()
    return response


class _NotFound(RuralQAError):
    pass


def _accept_raw_utf8_targets() -> None:
    """`curl 'http://127.0.0.1:8000/api/ask?q=万荣县香菇产值是多少'` sends the Chinese as raw UTF-8 bytes, which
    browsers percent-encode but the HTTP/1.1 grammar h11 follows forbids. Accept bytes 0x80-0xff in the request
    line and percent-encode them in the target, as a browser would have sent it, before anything decodes it (any
    bytes, in path or query: invalid UTF-8 then reads as U+FFFD, never as an error). Nothing else changes."""
    import re

    import h11._events as events
    import h11._readers as readers

    ascii_only, wide = b"[\\x21-\\x7e]", b"[\\x21-\\x7e\\x80-\\xff]"
    pattern = readers.request_line_re.pattern
    if wide not in pattern:
        readers.request_line_re = re.compile(pattern.replace(ascii_only, wide))
    request_init = events.Request.__init__
    if getattr(request_init, "_percent_encodes", False):
        return
    raw = re.compile(rb"[\x80-\xff]")

    def init(self, *, target, **kwargs):
        if isinstance(target, (bytes, bytearray)) and raw.search(target):
            target = raw.sub(lambda m: b"%%%02X" % m.group(0)[0], bytes(target))
        request_init(self, target=target, **kwargs)
    init._percent_encodes = True
    events.Request.__init__ = init


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
          allow_hosts: tuple[str, ...] = ()) -> None:
    """Serve until interrupted. Bound to loopback, only requests for a loopback name, the bound address or one of
    `allow_hosts` are answered (DNS rebinding); bound elsewhere, any Host is (the operator chose to expose it)."""
    import uvicorn

    _accept_raw_utf8_targets()
    allowed = {h.lower() for h in (*LOOPBACK_NAMES, host, *allow_hosts)} if loopback(host) else None
    app = create_app(settings, allowed)
    if open_browser:
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(f"http://{host}:{port}/",)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning", http="h11", access_log=False)
