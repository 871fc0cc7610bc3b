"""The `ruralqa` command: parse options, call one library function, format its result.

Library errors become one-line click errors with a non-zero exit; progress goes to stderr; --json prints one
JSON object on stdout with Chinese unescaped.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
import time
from pathlib import Path

import click

from ruralqa import config, render
from ruralqa.errors import RuralQAError, UsageError


def _fail_cleanly(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UsageError as exc:
            raise click.UsageError(str(exc)) from None
        except RuralQAError as exc:
            raise click.ClickException(str(exc)) from None
    return wrapper


def _settings(ctx: click.Context, **overrides) -> config.Settings:
    obj = ctx.obj or {}
    try:
        return config.resolve(corpus=obj.get("corpus"), index=obj.get("index"), store=obj.get("store"), **overrides)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None


def _say(ctx: click.Context):
    quiet = (ctx.obj or {}).get("quiet")
    return (lambda msg: None) if quiet else (lambda msg: click.echo(msg, err=True))


def _progress(ctx: click.Context):
    """Progress on stderr: a line that updates itself on a terminal; elsewhere a line every 10 s and at each
    phase's start and end. Each shows counts and, once it can be estimated, the time left."""
    if (ctx.obj or {}).get("quiet"):
        return None
    tty = sys.stderr.isatty()
    state = {"phase": None, "started": 0.0, "shown": 0.0}

    def show(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase != state["phase"]:
            state.update(phase=phase, started=now, shown=0.0)
        finished = done >= total
        if not tty and not finished and done and now - state["shown"] < 10:
            return
        state["shown"] = now
        left = ""
        if 0 < done < total and now - state["started"] > 2:
            left = f", about {(now - state['started']) / done * (total - done):.0f} s left"
        line = f"  {phase}: {done}/{total}{left}"
        if tty:
            click.echo(f"\r{line}\x1b[K", err=True, nl=finished)
        else:
            click.echo(line, err=True)
    return show


def _print_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--corpus", metavar="DIR", help="Folder of reports [env RURALQA_CORPUS; default ./corpus].")
@click.option("--index", "index_dir", metavar="DIR", help="Index folder [env RURALQA_INDEX; default ./index].")
@click.option("--store", metavar="URI", help="Where the index lives: local (the --index folder, FAISS), "
                                            "milvus:PATH.db (Milvus Lite) or http://HOST:19530 (a Milvus server; "
                                            "token in RURALQA_MILVUS_TOKEN) [env RURALQA_STORE; default local].")
@click.option("-q", "--quiet", is_flag=True, help="No progress messages on stderr.")
@click.version_option(package_name="ruralqa")
@click.pass_context
def cli(ctx, corpus, index_dir, store, quiet):
    """Ask questions of Chinese rural-revitalization reports and get cited answers, offline."""
    ctx.obj = {"corpus": corpus, "index": index_dir, "store": store, "quiet": quiet}


@cli.command("index")
@click.option("--full", is_flag=True, help="Rebuild from scratch instead of updating.")
@click.option("--optimize", is_flag=True, help="Rewrite a large index as one segment: appended segments merged, "
                                                "deleted passages dropped, tokens cut again (no embedding).")
@click.option("--check", is_flag=True, help="Verify the index files against the manifest; change nothing.")
@click.option("--repair", is_flag=True, help="Rebuild a damaged index from the corpus, re-embedding only passages "
                                              "whose stored vectors are damaged or missing.")
@click.option("--model", help="Embedding model: a sentence-transformers name or local folder "
                              f"[env RURALQA_MODEL; default {config.DEFAULT_MODEL}, bundled].")
@click.option("--device", help="Device for sentence-transformers models (cpu, cuda, mps) [env RURALQA_DEVICE].")
@click.option("--chunk-size", type=int, help="Longest passage in characters [default 200].")
@click.option("--text-column", metavar="NAME", help="Spreadsheets of reports: the column that holds the text "
                                                    "[env RURALQA_TEXT_COLUMN; default: full_text, content, text, 正文, 内容, …].")
@click.option("--max-report-chars", type=click.IntRange(1000), metavar="N",
              help="Longest report indexed, in characters; a longer one is named and left out "
                   f"[env RURALQA_MAX_REPORT_CHARS; default {config.MAX_REPORT_CHARS:,}].")
@click.option("--encoding-errors", type=click.Choice(["strict", "replace"]),
              help="replace: read a UTF-8 report with a few bad bytes, naming it in a warning [default strict].")
@click.option("--shard", metavar="I/N", help="Only read and embed shard I of N of the corpus, into --shard-dir "
                                               "(one per machine or GPU; publish them with --from-shards).")
@click.option("--shard-dir", type=click.Path(path_type=Path), default=Path("shards"), show_default=True,
              help="Where --shard writes its shard.")
@click.option("--from-shards", "from_shards", type=click.Path(path_type=Path), metavar="DIR",
              help="Publish the shards in DIR (all N of them) into the index as one update.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
@_fail_cleanly
def index_cmd(ctx, full, optimize, check, repair, model, device, chunk_size, text_column, max_report_chars,
              encoding_errors, shard, shard_dir, from_shards, as_json):
    """Build or update the index from the corpus folder (only new passages are embedded)."""
    settings = _settings(ctx, model=model, device=device, chunk_size=chunk_size, text_column=text_column,
                         encoding_errors=encoding_errors, max_report_chars=max_report_chars)
    if shard or from_shards:
        from ruralqa import shards

        if shard and from_shards:
            raise click.UsageError("--shard builds one shard and --from-shards publishes them all; use one")
        summary = shards.build_shard(settings, shards.parse_shard(shard), shard_dir, say=_say(ctx),
                                     progress=_progress(ctx)) if shard else \
            shards.publish_shards(settings, from_shards, say=_say(ctx), progress=_progress(ctx))
        _print_json(render.summary_json(summary)) if as_json else click.echo(render.summary_text(summary))
        return
    if check:
        from ruralqa.maintenance import check_index

        result = check_index(settings)
        if as_json:
            _print_json(dataclasses.asdict(result))
        else:
            click.echo(f"index OK: {result.summary}" if result.ok else "index DAMAGED: " + "; ".join(result.problems))
        ctx.exit(0 if result.ok else 1)
    from ruralqa.build import update_index

    summary = update_index(settings, full=full, say=_say(ctx), progress=_progress(ctx), repair=repair,
                           optimize=optimize)
    _print_json(render.summary_json(summary)) if as_json else click.echo(render.summary_text(summary))
    if summary.failed:
        raise click.ClickException(f"{len(summary.failed)} report(s) could not be indexed (listed above); "
                                   "fix or remove them and run `ruralqa index` again")


def _open_index(ctx, settings: config.Settings):
    """The index, built first if there is none yet (said on stderr)."""
    from ruralqa.embed import normalize_model_id
    from ruralqa.errors import IndexMissing
    from ruralqa.stores import describe, open_index

    model_id = normalize_model_id(settings.model) if settings.model else None
    try:
        return _for_questions(open_index(settings, model_id=model_id))
    except IndexMissing:
        from ruralqa.build import update_index, wait_for_writer
        from ruralqa.errors import IndexLocked

        _say(ctx)(f"no index in {describe(settings)} yet; building it from {settings.corpus_dir} first")
        try:
            summary = update_index(settings, say=_say(ctx), progress=_progress(ctx))
        except IndexLocked as exc:  # another command is building it: answer from what it builds
            _say(ctx)(f"{exc}; waiting for it (Ctrl-C to stop)")
            wait_for_writer(settings)
        else:
            for name, reason in summary.failed.items():
                _say(ctx)(f"FAILED {name}: {reason}")
        return _for_questions(open_index(settings, model_id=model_id))


def _for_questions(index):
    """Threads for answering: one, or more for a FAISS search over a large index (ruralqa.threads). Set once the
    index exists, so that a first build embeds on every core."""
    from ruralqa import threads

    threads.for_questions()
    threads.for_search(index.size)
    return index


def _retrieval_options(fn):
    """--mode, --model and --rerank, shared by the commands that ask questions."""
    fn = click.option("--rerank", metavar="MODEL",
                      help="Rerank passages with this cross-encoder (sentence-transformers).")(fn)
    fn = click.option("--model", help="Embedding model; must be the one the index was built with.")(fn)
    return click.option("--mode", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid",
                        show_default=True)(fn)


@cli.command()
@click.argument("question")
@click.option("-k", "--top", "k", default=5, show_default=True, type=click.IntRange(1, 100),
              help="Number of passages.")
@_retrieval_options
@click.option("--place", "places", multiple=True, metavar="PLACE",
              help="Only passages about this place, e.g. 甘肃 or 万荣县 (repeatable).")
@click.option("--year", "years", multiple=True, type=click.IntRange(1949, 2100),
              help="Only passages about this year (results of it, or goals for it); repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (documented in the README).")
@click.pass_context
@_fail_cleanly
def ask(ctx, question, k, mode, model, rerank, places, years, as_json):
    """Answer QUESTION from the reports, with cited passages."""
    from ruralqa.qa import answer_question

    if not question.strip():
        raise click.UsageError('the question is empty; ask something, e.g. ruralqa ask "万荣县香菇产值是多少"')
    settings = _settings(ctx, model=model)
    index = _open_index(ctx, settings)
    result = answer_question(index, question, k=k, mode=mode, rerank=rerank, device=settings.device,
                             places=places, years=years)
    for notice in result.notices:
        _say(ctx)(f"note: {notice}")
    _print_json(render.qa_json(result)) if as_json else click.echo(render.qa_text(result))


@cli.command()
@click.argument("question")
@click.option("--place", "places", multiple=True, metavar="PLACE", help="Compare these places (repeatable).")
@click.option("--year", "years", multiple=True, type=click.IntRange(1949, 2100), help="These years (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the rows as CSV.")
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw a bar chart (a line for years) into this PNG file (needs matplotlib).")
@click.option("--model", help="Embedding model; must be the one the index was built with.")
@click.pass_context
@_fail_cleanly
def compare(ctx, question, places, years, as_json, as_csv, chart, model):
    """A table of cited values of one metric across places and years (2024年各省粮食产量是多少)."""
    from ruralqa.compare import compare as run_compare
    from ruralqa.embed import get_embedder

    settings = _settings(ctx, model=model)
    index = _open_index(ctx, settings)
    result = run_compare(index, question, get_embedder(index.model_id, settings.device), places=places, years=years)
    if chart:
        from ruralqa.chart import draw

        for warning in draw(result, chart):
            _say(ctx)(f"warning: {warning}")
        _say(ctx)(f"chart written to {chart}")
    if as_json:
        _print_json(render.comparison_json(result))
    elif as_csv:
        render.comparison_csv(result, sys.stdout)
    else:
        click.echo(render.comparison_text(result))


@cli.command()
@click.option("--place", "places", multiple=True, metavar="PLACE", help="Only figures about this place (repeatable).")
@click.option("--year", "years", multiple=True, type=click.IntRange(1949, 2100),
              help="Only figures of this year (a span covering it counts); repeatable.")
@click.option("--metric", default="", metavar="WORDS", help="Only figures whose metric holds these words, e.g. 粮食 产量.")
@click.option("--kind", type=click.Choice(["achieved", "target"]), help="Only results, or only targets.")
@click.option("--qualifier", type=click.Choice(["exact", "bound", "change", "average", "cumulative", "share"]))
@click.option("--csv", "as_csv", is_flag=True, help="Print the records as CSV.")
@click.option("--json", "as_json", is_flag=True, help="Print the records as a JSON list.")
@click.option("--sqlite", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the records into a SQLite file (table figures).")
@click.pass_context
@_fail_cleanly
def facts(ctx, places, years, metric, kind, qualifier, as_csv, as_json, sqlite):
    """Every figure the reports state, as cited records (metric, place, year, value, unit, qualifier)."""
    from ruralqa import facts as records
    from ruralqa.stores import open_index

    settings = _settings(ctx)
    with open_index(settings, verify=False) as index:
        found = records.select(index.figures(), places, years, metric, kind, qualifier)
    if sqlite:
        n = records.write_sqlite(found, sqlite)
        _say(ctx)(f"{n} figures written to {sqlite} (table figures)")
    elif as_json:
        _print_json(records.rows(found))
    elif as_csv:
        records.write_csv(found, sys.stdout)
    else:
        click.echo(render.table([{**r, "citation": f"{r['file']}:{r['char_start']}-{r['char_end']}"}
                                 for r in records.rows(found)],
                                ["subject", "year", "kind", "metric", "shown", "qualifier", "citation"]))
        _say(ctx)(f"{len(found)} figures")


@cli.command("eval")
@click.argument("questions", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--compare", is_flag=True, help="Run dense, bm25 and hybrid and print them side by side.")
@click.option("--split", type=click.Choice(["fit", "test"]), help="Only the questions of this half of the set.")
@_retrieval_options
@click.option("--json", "as_json", is_flag=True, help="Print metrics and per-question results as JSON.")
@click.pass_context
@_fail_cleanly
def eval_cmd(ctx, questions, mode, compare, split, model, rerank, as_json):
    """Measure retrieval and answers on a question set (JSON Lines, see README)."""
    from ruralqa import evaluate

    settings = _settings(ctx, model=model)
    if not questions.is_file():
        raise click.UsageError(f"question file {questions} does not exist")
    if evaluate.is_comparison_set(questions):
        from ruralqa.embed import get_embedder

        index = _open_index(ctx, settings)
        report = evaluate.run_comparisons(index, evaluate.load_comparisons(questions),
                                          get_embedder(index.model_id, settings.device))
        _print_json(report) if as_json else click.echo(render.comparison_eval_text(report))
        return
    qs = evaluate.load_questions(questions, split=split)
    index = _open_index(ctx, settings)
    modes = ["dense", "bm25", "hybrid"] if compare else [mode]
    reports = {m: evaluate.run(index, qs, mode=m, rerank=rerank, device=settings.device) for m in modes}
    if as_json:
        _print_json({m: render.eval_json(r) for m, r in reports.items()} if compare else render.eval_json(reports[mode]))
    elif compare:
        click.echo(render.compare_table(reports))
    else:
        click.echo(render.eval_text(reports[mode]))


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", help="Title for the catalog (default: the report's first line).")
@click.option("--region", help="Region for the catalog, e.g. 万荣县 (default: guessed from the title).")
@click.option("--json", "as_json", is_flag=True, help="Print the index summary as JSON.")
@click.pass_context
@_fail_cleanly
def add(ctx, files, title, region, as_json):
    """Copy report FILES into the corpus and update the index."""
    from ruralqa.maintenance import add_reports

    settings = _settings(ctx)
    copied, summary = add_reports(settings, list(files), title=title, region=region, say=_say(ctx),
                                  progress=_progress(ctx))
    for name in copied:
        _say(ctx)(f"added {name}")
    _print_json(render.summary_json(summary)) if as_json else click.echo(render.summary_text(summary))
    if summary.failed:
        raise click.ClickException(f"{len(summary.failed)} report(s) could not be indexed; see above")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON list.")
@click.pass_context
@_fail_cleanly
def reports(ctx, as_json):
    """List the reports with what was inferred (title, place, year) and their status: indexed, not indexed (and
    why), skipped (unsupported), removed."""
    from ruralqa.maintenance import report_statuses

    rows = [dataclasses.asdict(r) for r in report_statuses(_settings(ctx))]
    if as_json:
        _print_json(rows)
        return
    click.echo(render.table(rows, ["file", "status", "place", "year", "format", "passages", "title", "reason"]))


@cli.command()
@click.argument("citation")
@click.option("--around", default=1, show_default=True, type=click.IntRange(0, 20),
              help="Paragraphs to show before and after.")
@click.pass_context
@_fail_cleanly
def show(ctx, citation, around):
    """Print a cited passage in its report, with the paragraphs around it.

    CITATION is FILE:START-END (or FILE@ROW:START-END for a spreadsheet of reports), as in a citation's file and
    chars, e.g. 000_15376a063cec32eb.txt:3999-4106.
    """
    from ruralqa.maintenance import show_passage

    where, _, span = citation.rpartition(":")
    file, _, row = where.partition("@")
    try:
        start, end = (int(x) for x in span.replace(":", "-").split("-"))
        row_n = int(row) if row else None
    except ValueError:
        raise click.UsageError(f"{citation!r} is no citation; write FILE:START-END, "
                               "e.g. 000_15376a063cec32eb.txt:3999-4106") from None
    p = show_passage(_settings(ctx), file, start, end, row_n, around)
    click.echo(f"{p.title or p.file} · {p.file}" + (f" · row {p.row}" if p.row else "") + f" · chars {start}:{end}")
    click.echo("")
    for part in (p.before, f"{p.line_before}【{p.passage}】{p.line_after}", p.after):
        if part:
            click.echo(part)


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the index summary as JSON.")
@click.pass_context
@_fail_cleanly
def remove(ctx, files, as_json):
    """Take report FILES (names in the corpus folder) out of the corpus, the catalog and the index."""
    from ruralqa.maintenance import remove_reports

    summary = remove_reports(_settings(ctx), list(files), say=_say(ctx))
    _print_json(render.summary_json(summary)) if as_json else click.echo(render.summary_text(summary))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a browser.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests addressed to this host name (on loopback only loopback names are; "
                   "repeatable).")
@click.pass_context
@_fail_cleanly
def serve(ctx, host, port, open_browser, allow_hosts):
    """A local page and JSON API (/api) over the index, answering from a warm model."""
    from ruralqa.server import serve as run_server

    settings = _settings(ctx)
    _say(ctx)(f"ruralqa serving {settings.index_dir} on http://{host}:{port}/ (Ctrl-C to stop)")
    run_server(settings, host=host, port=port, open_browser=open_browser, allow_hosts=allow_hosts)


@cli.command("mcp")
@click.pass_context
@_fail_cleanly
def mcp_cmd(ctx):
    """Serve ask, compare, show, reports and facts to an AI assistant over MCP (stdio)."""
    try:
        from ruralqa.assistant import run_stdio
        import mcp  # noqa: F401
    except ImportError:
        raise click.ClickException("`ruralqa mcp` needs the MCP SDK: pip install \"ruralqa[mcp]\"") from None
    settings = _settings(ctx)
    _say(ctx)(f"ruralqa MCP server over {settings.index_dir} on stdio (the client ends it)")
    run_stdio(settings)


def main() -> None:
    cli(prog_name="ruralqa")
