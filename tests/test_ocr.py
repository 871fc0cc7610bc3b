"""Scanned PDFs (issue: pages without a text layer): recognized page by page with the `ocr` extra (RapidOCR), named
in one line without it. The scan is made here from the seed report's text, so its accuracy can be measured."""

import json

import pytest

from ruralqa.build import update_index
from ruralqa.config import resolve
from ruralqa.corpus.ingest import read_report
from ruralqa.errors import ReportError
from conftest import SEED_CORPUS, WANRONG, CountingEmbedder
from scanned import character_accuracy, cjk_font, scanned_pdf

pytest.importorskip("reportlab", reason="the scans are typeset with reportlab (test extra)")
pytest.importorskip("pypdfium2", reason="the scans are rasterized with pypdfium2 (ocr extra)")
if not cjk_font():
    pytest.skip("no CJK font to typeset the scan (apt install fonts-wqy-microhei)", allow_module_level=True)


def _excerpt() -> str:
    """The 万荣县 article's title and the paragraphs around its 香菇 figure."""
    lines = [x for x in (SEED_CORPUS / WANRONG).read_text(encoding="utf-8").splitlines() if x.strip()]
    title = next(x for x in lines if x.startswith("走出万荣特色乡村振兴之路"))
    at = next(i for i, x in enumerate(lines) if "年产值达3亿元" in x)
    return "\n".join([title, *lines[at - 2:at + 2]])


def test_scanned_pdf_is_recognized_and_answers_with_a_citation(tmp_path):
    pytest.importorskip("rapidocr_onnxruntime", reason="the ocr extra is not installed")
    text = _excerpt()
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "wanrong_scan.pdf").write_bytes(scanned_pdf(text))
    # the article's place, as the seed's catalog gives it (the excerpt says 万荣 only in passing)
    (tmp_path / "corpus" / "catalog.json").write_text(json.dumps(
        {"reports": {"wanrong_scan.pdf": {"articles": [{"title": text.splitlines()[0], "region": "万荣县"}]}}}, ensure_ascii=False),
        encoding="utf-8")
    report = read_report(tmp_path / "corpus" / "wanrong_scan.pdf", tmp_path / "corpus")
    assert report.encoding == "pdf+ocr" and "recognized by OCR" in report.warning
    accuracy = character_accuracy(report.text, text)
    assert accuracy >= 0.95, accuracy
    seen = []
    summary = update_index(resolve(cwd=tmp_path), embedder=CountingEmbedder(),
                           progress=lambda phase, done, total: seen.append((phase, done, total)))
    assert "recognized by OCR" in summary.warnings["wanrong_scan.pdf"]
    assert ("recognizing wanrong_scan.pdf (OCR)", 1, 1) in seen  # progress page by page
    from ruralqa.qa import answer_question
    from ruralqa.stores import open_index

    with open_index(resolve(cwd=tmp_path)) as index:
        a = answer_question(index, "万荣县香菇产值是多少", mode="bm25", embedder=CountingEmbedder()).answer
    assert a is not None and a.text == "3亿元" and a.citation.page == 1
    assert report.text[a.citation.char_start:a.citation.char_end] == "3亿元"  # the slice is of the recognized text


def test_scanned_pdf_without_the_extra_is_one_line(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # as if the extra were not installed
    (tmp_path / "scan.pdf").write_bytes(scanned_pdf("万荣县香菇年产值达3亿元。"))
    with pytest.raises(ReportError, match=r'page 1 have no text layer; install OCR \(pip install "ruralqa\[ocr\]"\)'):
        read_report(tmp_path / "scan.pdf", tmp_path)


COUNTIES = [a + b + "县" for a in "安平和顺长乐永宁" for b in "山河川源泉林"][:70]


@pytest.mark.parametrize("repeat_header", [True, False])
def test_a_table_running_over_two_pages_keeps_its_header(tmp_path, repeat_header):
    from scanned import table_pdf

    rows = [[name, f"{10 + i * 0.5:.1f}万吨", f"{20 + i}万亩"] for i, name in enumerate(COUNTIES)]
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "counties.pdf").write_bytes(
        table_pdf(["县", "粮食产量", "播种面积"], rows, repeat_header, title="2024年各县主要农业指标"))
    report = read_report(tmp_path / "corpus" / "counties.pdf", tmp_path / "corpus")
    assert len(report.pages) == 2
    last = COUNTIES[-1]  # a row on page 2
    at = report.text.index(f"| {last} |")
    assert at > report.pages[1]
    update_index(resolve(cwd=tmp_path), embedder=CountingEmbedder())
    from ruralqa.qa import answer_question
    from ruralqa.stores import open_index

    with open_index(resolve(cwd=tmp_path)) as index:
        result = answer_question(index, f"{last}2024年粮食产量是多少", mode="bm25", embedder=CountingEmbedder())
        row = next(h.chunk for h in result.hits if last in h.chunk.text)
    assert "粮食产量" in row.heading  # the row is read with its columns' names, on page 2 as on page 1
    a = result.answer
    assert a is not None and a.text == rows[-1][1] and a.citation.page == 2
