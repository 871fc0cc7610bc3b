"""Adding reports safely, end to end, with the real bundled model and the `ruralqa` command.

Builds the index on a copy of the shipped corpus, adds a GB18030 .txt, a .docx and a .pdf report, asks a question
only each new report answers, changes one paragraph, removes a report, kills an update mid-way and asks again.
Prints what each step embedded and how long it took. Usage: python examples/scenario.py [WORKDIR]
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("稷山县乡村振兴工作报告", 1)
    d.add_paragraph("稷山县坚持把板枣产业作为富民产业来抓。全县板枣种植面积达12万亩,年产值达5.6亿元。")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "产业", "带动农户"
    t.cell(1, 0).text, t.cell(1, 1).text = "板枣", "2.3万户"
    d.save(path)


def make_pdf(path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    for lines in (["新绛县乡村振兴工作综述"], ["新绛县蔬菜产业持续壮大。", "全县设施蔬菜大棚达3.2万座。"]):
        c.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            c.drawString(60, 780 - 20 * i, line)
        c.showPage()
    c.save()


# `ruralqa` with a fault hook that kills the process (SIGKILL) when the index update reaches the named point.
KILLED_AT = """
import os, signal, sys
from ruralqa import faults
from ruralqa.cli import main
point = sys.argv.pop(1)
faults.install(lambda name: os.kill(os.getpid(), signal.SIGKILL) if name == point else None)
sys.argv[0] = "ruralqa"
main()
"""


def ruralqa(ws: Path, *args: str, kill_at: str | None = None) -> tuple[subprocess.CompletedProcess, float]:
    t = time.perf_counter()
    launcher = ["-c", KILLED_AT, kill_at] if kill_at else ["-m", "ruralqa"]
    proc = subprocess.run([sys.executable, *launcher, "-q", *args], cwd=ws, capture_output=True, text=True)
    return proc, time.perf_counter() - t


def summary(proc) -> dict:
    return json.loads(proc.stdout)


def main() -> int:
    ws = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="ruralqa-scenario-"))
    shutil.rmtree(ws / "corpus", ignore_errors=True)
    shutil.rmtree(ws / "index", ignore_errors=True)
    shutil.copytree(ROOT / "corpus", ws / "corpus")
    new = ws / "incoming"
    new.mkdir(exist_ok=True)
    (new / "闻喜县报告.txt").write_bytes("闻喜县乡村振兴\n闻喜县花馍产业年产值达2.5亿元,带动1.2万人就业。\n".encode("gb18030"))
    make_docx(new / "稷山县报告.docx")
    make_pdf(new / "新绛县报告.pdf")
    rows = []

    def step(name, proc, secs):
        s = summary(proc) if proc.stdout.strip().startswith("{") else {}
        rows.append((name, s.get("chunks_embedded", ""), s.get("chunks_reused", ""), s.get("chunks_removed", ""),
                     f"{secs:.2f}", proc.returncode))

    step("build shipped corpus", *ruralqa(ws, "index", "--json"))
    step("add .txt(GB18030) .docx .pdf", *ruralqa(ws, "add", *map(str, sorted(new.iterdir())), "--json"))
    step("re-index, nothing changed", *ruralqa(ws, "index", "--json"))
    for q, want in (("闻喜县花馍产值是多少", "2.5亿元"), ("稷山县板枣种植面积有多少亩", "12万亩"),
                    ("新绛县设施蔬菜大棚有多少座", "3.2万座")):
        proc, secs = ruralqa(ws, "ask", q, "--json")
        out = json.loads(proc.stdout)
        a = out["answer"]
        c = out["passages"][0]["citation"]
        print(f"ask {q}: answer={a and a['text']} (want {want}); top passage {c['file']} page={c['page']} "
              f"¶{c['paragraph']} chars {c['char_start']}:{c['char_end']}  {secs:.2f} s")
    path = ws / "corpus" / "001_86d69c937c8640dc.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("625.8万元", "626.8万元"), encoding="utf-8")
    step("change one paragraph", *ruralqa(ws, "index", "--json"))
    os.remove(ws / "corpus" / "闻喜县报告.txt")
    step("remove a report", *ruralqa(ws, "index", "--json"))
    proc, _ = ruralqa(ws, "ask", "闻喜县花馍产值是多少", "--json", "-k", "10")
    gone = all(p["citation"]["file"] != "闻喜县报告.txt" for p in json.loads(proc.stdout)["passages"])
    print(f"removed report never returned: {gone}")
    long_report = "闻喜县乡村振兴\n" + "".join(f"闻喜县第{i}个示范村年集体收入达{10 + i}万元。\n" for i in range(1, 41))
    (ws / "corpus" / "闻喜县报告.txt").write_bytes(long_report.encode("gb18030"))  # 40 passages: > 1 batch
    step("update killed mid-embedding", *ruralqa(ws, "index", "--json", kill_at="mid-embed"))
    proc, _ = ruralqa(ws, "ask", "万荣县香菇产值是多少", "--json")
    print(f"after the kill, ask still answers: {json.loads(proc.stdout)['answer']['text']}")
    step("next index completes it", *ruralqa(ws, "index", "--json"))
    print()
    print("| step | embedded | reused | removed | seconds | exit |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(str(x) for x in r) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
