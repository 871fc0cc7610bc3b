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
    summary = update_index(resolve(cwd=tmp_path), embedder=CountingEmbedder())
    assert "recognized by OCR" in summary.warnings["wanrong_scan.pdf"]
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
