"""`ruralqa mcp` and /mcp on `ruralqa serve`, through the official MCP SDK's own client: over stdio and over HTTP,
list the tools, call each, and check that an answer's citation slices the report exactly."""

import json
import shutil
import sys
from pathlib import Path

import anyio
import pytest

pytest.importorskip("mcp")

from mcp import Client  # noqa: E402
from mcp.client.stdio import StdioServerParameters  # noqa: E402

from ruralqa.config import resolve  # noqa: E402
from conftest import running  # noqa: E402

TOOLS = {"ask", "compare", "show", "reports", "facts"}


def _data(result) -> dict:
    """A tool's result: its structured content, else the JSON of its text."""
    assert not result.is_error, result.content
    if result.structured_content is not None:
        data = result.structured_content
        return data.get("result", data) if set(data) == {"result"} else data
    return json.loads(result.content[0].text)


async def _session(client) -> dict:
    """Every tool called once, as an assistant would: ask, then show the citation, compare, reports, facts."""
    names = {t.name for t in (await client.list_tools()).tools}
    ask = _data(await client.call_tool("ask", {"question": "万荣县香菇产值是多少"}))
    cit = ask["answer"]["citation"]
    shown = _data(await client.call_tool("show", {"file": cit["file"], "start": cit["char_start"],
                                                    "end": cit["char_end"]}))
    missing = _data(await client.call_tool("ask", {"question": "万荣县的海水养殖产量是多少"}))
    table = _data(await client.call_tool("compare", {"question": "万荣县和盐湖区的香菇产值"}))
    listed = _data(await client.call_tool("reports", {}))
    facts = _data(await client.call_tool("facts", {"place": "万荣", "metric": "产值", "limit": 5}))
    bad = await client.call_tool("show", {"file": "../etc/passwd", "start": 0, "end": 5})
    return {"names": names, "ask": ask, "shown": shown, "missing": missing, "table": table, "listed": listed,
            "facts": facts, "bad": bad}


def _check(got: dict, corpus: Path) -> None:
    assert TOOLS <= got["names"]
    a = got["ask"]["answer"]
    assert a["shown"] == "3亿元" and got["ask"]["answer_text"] == "3亿元"
    cit = a["citation"]
    text = (corpus / cit["file"]).read_text(encoding="utf-8")
    assert text[cit["char_start"]:cit["char_end"]] == "3亿元"  # the citation slices the report exactly
    assert got["shown"]["passage"] == "3亿元"
    assert got["missing"]["answer"] is None and got["missing"]["answer_text"] == "报告中未找到"
    cells = {c["place"]: c for c in got["table"]["rows"]}
    assert cells["万荣县"]["value"] == "3亿元"
    assert len(got["listed"]["reports"]) == 2 and "万荣县" in got["listed"]["places"]
    assert got["facts"]["total"] >= 1 and all("产值" in f["metric"] for f in got["facts"]["figures"])
    assert got["bad"].is_error and "no report named" in got["bad"].content[0].text


def test_tool_descriptions_say_how_to_quote():
    from ruralqa.assistant import INSTRUCTIONS, build_server

    server = build_server(resolve(cwd=Path(".")))

    async def tools():
        async with Client(server) as client:
            return (await client.list_tools()).tools
    listed = {t.name: t.description for t in anyio.run(tools)}
    assert set(listed) == TOOLS
    assert "citation" in listed["ask"] and "报告中未找到" in listed["ask"]
    assert "citation" in INSTRUCTIONS and "报告中未找到" in INSTRUCTIONS


def test_over_stdio(built):
    ruralqa = shutil.which("ruralqa", path=str(Path(sys.executable).parent)) or "ruralqa"
    params = StdioServerParameters(command=ruralqa, args=["mcp"], cwd=str(built))

    async def run():
        async with Client(params, read_timeout_seconds=120) as client:
            return await _session(client)
    _check(anyio.run(run), built / "corpus")


def test_over_http_on_serve(built):
    from ruralqa.server import create_app

    with running(create_app(resolve(cwd=built), {"127.0.0.1", "localhost"})) as port:
        async def run():
            async with Client(f"http://127.0.0.1:{port}/mcp", read_timeout_seconds=120) as client:
                return await _session(client)
        _check(anyio.run(run), built / "corpus")


def test_without_the_sdk_one_line(workspace, monkeypatch):
    from test_cli import run

    monkeypatch.setitem(sys.modules, "mcp", None)  # as if the extra were not installed
    r = run(["mcp"], workspace)
    assert r.exit_code != 0 and 'pip install "ruralqa[mcp]"' in r.output and "Traceback" not in r.output
