"""ruralqa as tools for AI assistants: an MCP server (the official `mcp` SDK, `pip install ruralqa[mcp]`) with the
same library calls as the CLI: ask, compare, show, reports, facts.

`ruralqa mcp` serves it over stdio; `ruralqa serve` mounts it at /mcp (streamable HTTP, under the same Host check
as the page). Every result carries citations (file, char_start, char_end): `show` slices the report at them, so an
assistant can quote what the report says, where it says it.
"""

from __future__ import annotations

import dataclasses

from ruralqa import render
from ruralqa.config import Settings
from ruralqa.errors import RuralQAError, UsageError

INSTRUCTIONS = (
    "ruralqa answers questions from Chinese reports on rural revitalization (乡村振兴) that the user has indexed. "
    "Quote every figure together with its citation (file and characters), as ruralqa gives it; never round, convert "
    "or combine figures without saying so. An answer of null (报告中未找到) means the indexed reports do not state it: "
    "say so, do not guess. `shown` is how to read a value (≥10亿斤 is a lower bound, +5.8% a change); `form` says "
    "whether the answer is a figure, a name, or a sentence that says it."
)
MAX_FACTS = 500


def build_server(settings: Settings, live=None):
    """The MCP server over the index `settings` names; `live` (ruralqa.live.Live) shares a warm index and model."""
    import anyio
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    if live is None:
        from ruralqa.live import Live

        live = Live(settings)
    server = MCPServer(name="ruralqa", instructions=INSTRUCTIONS)

    async def work(fn, *args):  # the work is CPU-bound: keep the event loop free
        try:
            return await anyio.to_thread.run_sync(fn, *args)
        except RuralQAError as exc:
            raise ToolError(str(exc)) from None  # one line for the assistant; no traceback in the server's log

    def _ask(question: str, place: str, year: int | None, k: int) -> dict:
        from ruralqa.qa import answer_question

        index = live.index()
        result = answer_question(index, question, k=_bounded(k, 1, 20), embedder=live.embedder(index.model_id),
                                 places=(place,) if place else (), years=(year,) if year else ())
        body = render.qa_json(result)
        body["answer_text"] = (body["answer"] or {}).get("shown") or render.NOT_FOUND
        return body

    @server.tool(description=(
        "Answer a question from the indexed reports, e.g. 万荣县香菇产值是多少. Returns the answer (shown value, metric, "
        "the sentence, and its citation: file, char_start, char_end), or answer null with answer_text 报告中未找到 when "
        "the reports do not state it, plus the passages searched, each cited. A question naming several places answers "
        "each in per_place. Quote a figure only with its citation; 报告中未找到 means the reports do not say."))
    async def ask(question: str, place: str = "", year: int | None = None, k: int = 5) -> dict:
        return await work(_ask, question, place, year, k)

    def _compare(question: str, place: str, year: int | None) -> dict:
        from ruralqa.compare import compare as run_compare

        index = live.index()
        result = run_compare(index, question, live.embedder(index.model_id), places=(place,) if place else (),
                             years=(year,) if year else ())
        return render.comparison_json(result)

    @server.tool(description=(
        "One metric across places or years as a cited table, e.g. 2024年各省粮食产量. Each cell has the value as "
        "written, its normalized value and unit, the sentence and the citation; a place whose reports do not state "
        "it is found: false (报告中未找到), never filled with another figure."))
    async def compare(question: str, place: str = "", year: int | None = None) -> dict:
        return await work(_compare, question, place, year)

    def _show(file: str, start: int, end: int, row: int | None, around: int) -> dict:
        from ruralqa.maintenance import show_passage

        if file not in live.index().manifest.reports:
            raise UsageError(f"no report named {file!r} in the index; the reports tool lists them")
        return dataclasses.asdict(show_passage(settings, file, start, end, row, _bounded(around, 0, 10)))

    @server.tool(description=(
        "The text a citation points to: report `file`, characters start:end (and `row` for a spreadsheet row), with "
        "`around` paragraphs before and after. `passage` is exactly the cited characters."))
    async def show(file: str, start: int, end: int, row: int | None = None, around: int = 1) -> dict:
        return await work(_show, file, start, end, row, around)

    def _reports() -> dict:
        from ruralqa.maintenance import report_statuses

        index = live.index()
        return {"reports": [dataclasses.asdict(r) for r in report_statuses(settings)],
                "places": sorted(set(index.regions)), "years": index.period_years()}

    @server.tool(description="What is indexed: every report with its title, place, year, format and passages; "
                             "the places and years the index holds.")
    async def reports() -> dict:
        return await work(_reports)

    def _facts(place: str, year: int | None, metric: str, kind: str, limit: int) -> dict:
        from ruralqa import facts as records

        found = records.select(live.index().figures(), (place,) if place else (), (year,) if year else (), metric,
                               kind or None)
        limit = _bounded(limit, 1, MAX_FACTS)
        return {"total": len(found), "figures": records.rows(found[:limit])}

    @server.tool(description=(
        "Every figure the reports state as cited records (metric, subject place, year, shown value, unit, "
        "qualifier: exact/bound/change/average/cumulative/share, kind: achieved/target, sentence, file, char_start, "
        "char_end), filtered by place (甘肃), year, metric words (space-separated, all must appear) and kind."))
    async def facts(place: str = "", year: int | None = None, metric: str = "", kind: str = "",
                    limit: int = 100) -> dict:
        return await work(_facts, place, year, metric, kind, limit)

    return server


def _bounded(value: int, low: int, high: int) -> int:
    return max(low, min(high, int(value)))


def run_stdio(settings: Settings) -> None:
    """`ruralqa mcp`: serve the tools over stdin/stdout until the client closes them."""
    build_server(settings).run()  # stdio is the SDK's default transport
