import io
import shutil
from pathlib import Path

import pytest

from ruralqa.errors import ReportError
from ruralqa.corpus.ingest import read_report

TEXT = "万荣县香菇年产值达3亿元。\n带动153个村增收。\n"


@pytest.mark.parametrize("data, encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("gb18030"), "gb18030"),
    (TEXT.encode("gbk"), "gb18030"),
    (TEXT.encode("utf-16"), "utf-16"),
])
def test_encodings_are_detected(tmp_path, data, encoding):
    (tmp_path / "r.txt").write_bytes(data)
    report = read_report(tmp_path / "r.txt", tmp_path)
    assert report.text == TEXT and report.encoding == encoding


@pytest.mark.parametrize("data, reason", [
    (b"", "is empty"),
    (b"\x00\x01\x02binary\x00", "binary"),
    ("Ceci est écrit en latin-1, pas en chinois. ".encode("latin-1") * 3, "cannot be decoded"),
    (b"\xef\xbb\xbf\xff\xfe bad", "byte-order mark"),
])
def test_unreadable_files_are_named_with_the_fix(tmp_path, data, reason):
    (tmp_path / "bad.txt").write_bytes(data)
    with pytest.raises(ReportError) as err:
        read_report(tmp_path / "bad.txt", tmp_path)
    assert "bad.txt" in str(err.value) and reason in str(err.value)


def test_html_keeps_main_text_only(tmp_path):
    html = ("<html><head><script>var x=1;</script><style>p{}</style></head><body><nav>首页 新闻</nav>"
            "<article><h1>闻喜县乡村振兴</h1><p>闻喜县花馍产值达<b>2亿元</b>。</p><p>带动三千人就业。</p></article>"
            "<footer>版权所有</footer></body></html>")
    (tmp_path / "p.html").write_text(html, encoding="gbk")
    text = read_report(tmp_path / "p.html", tmp_path).text
    assert text == "闻喜县乡村振兴\n闻喜县花馍产值达2亿元。\n带动三千人就业。\n"


def _docx_bytes():
    import docx

    d = docx.Document()
    d.add_heading("稷山县乡村振兴报告", 1)
    d.add_paragraph("稷山县板枣种植面积达12万亩。")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "产业", "产值"
    table.cell(1, 0).text, table.cell(1, 1).text = "板枣", "5亿元"
    d.add_paragraph("表后的段落。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    (tmp_path / "r.docx").write_bytes(_docx_bytes())
    text = read_report(tmp_path / "r.docx", tmp_path).text
    assert text == "稷山县乡村振兴报告\n稷山县板枣种植面积达12万亩。\n产业 | 产值\n板枣 | 5亿元\n表后的段落。\n"


def test_truncated_docx_is_named(tmp_path):
    (tmp_path / "r.docx").write_bytes(_docx_bytes()[:500])
    with pytest.raises(ReportError, match="r.docx.*not a readable .docx"):
        read_report(tmp_path / "r.docx", tmp_path)


def pdf_bytes(pages):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for lines in pages:
        c.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            c.drawString(60, 780 - 20 * i, line)
        c.showPage()
    c.save()
    return buf.getvalue()


def test_pdf_text_layer_with_pages(tmp_path):
    (tmp_path / "r.pdf").write_bytes(pdf_bytes([["新绛县乡村振兴"], ["新绛县蔬菜产值达4亿元。"]]))
    report = read_report(tmp_path / "r.pdf", tmp_path)
    assert "新绛县蔬菜产值达4亿元。" in report.text
    assert len(report.pages) == 2 and report.text[report.pages[1]:].startswith("新绛县蔬菜")


def test_pdf_without_text_layer(tmp_path):
    (tmp_path / "scan.pdf").write_bytes(pdf_bytes([[]]))
    with pytest.raises(ReportError, match="scan.pdf.*no text layer"):  # with OCR installed: and it recognized none
        read_report(tmp_path / "scan.pdf", tmp_path)


def test_xls_workbook_of_reports(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    from ruralqa.corpus.ingest import read_reports

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("县级报告")
    for c, h in enumerate(["标题", "年份", "正文"]):
        sheet.write(0, c, h)
    body = "万荣县2024年乡村振兴工作总结\n万荣县香菇年产值达3亿元，带动153个村增收。" * 3
    sheet.write(1, 0, "万荣县2024年乡村振兴工作总结")
    sheet.write(1, 1, 2024)
    sheet.write(1, 2, body)
    path = tmp_path / "reports.xls"
    book.save(str(path))
    [report] = read_reports(path, tmp_path)
    assert report.format == "xls" and report.title == "万荣县2024年乡村振兴工作总结" and report.text.strip() == body.strip()


OLD_WORD = Path(__file__).parent / "data" / "wanrong.doc"


@pytest.mark.skipif(not (shutil.which("antiword") or shutil.which("catdoc") or shutil.which("soffice")),
                    reason="no .doc converter installed (apt install antiword catdoc); .ci/run installs them")
def test_old_word_document_is_read_through_a_converter(tmp_path):
    (tmp_path / "wanrong.doc").write_bytes(OLD_WORD.read_bytes())
    report = read_report(tmp_path / "wanrong.doc", tmp_path)
    assert report.format == "doc" and report.encoding.startswith("doc/")
    assert "万荣县香菇年产值达3亿元" in report.text.replace(" ", "")
    wps = tmp_path / "wanrong.wps"  # a WPS file saved in the Word 97 format, as WPS writes them
    wps.write_bytes(OLD_WORD.read_bytes())
    assert "3亿元" in read_report(wps, tmp_path).text


def test_old_word_document_without_a_converter_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no antiword, catdoc or soffice on it
    (tmp_path / "wanrong.doc").write_bytes(OLD_WORD.read_bytes())
    with pytest.raises(ReportError, match="apt install antiword catdoc, or LibreOffice"):
        read_report(tmp_path / "wanrong.doc", tmp_path)


def test_html_tables_in_markdown_become_markdown_tables(tmp_path):
    # as PDF converters (MinerU) write them: two header rows, a cell spanning rows, one spanning columns
    table = ("<table><tr><td colspan=\"2\" rowspan=\"2\"><p><strong>地类</strong></p></td>"
             "<td colspan=\"2\"><p><strong>现状基期年</strong></p></td></tr>"
             "<tr><td><p><strong>面积</strong></p></td><td><p><strong>比重</strong></p></td></tr>"
             "<tr><td rowspan=\"2\"><p>农业用地</p></td><td><p>耕地</p></td><td><p>85.42</p></td><td><p>3.63%</p></td></tr>"
             "<tr><td><p>草地</p></td><td><p>3.46</p></td><td><p>0.15%</p></td></tr>"
             "<tr><td colspan=\"2\"><p>合计</p></td><td><p>88.88</p></td><td><p>3.78%</p></td></tr></table>")
    (tmp_path / "plan.md").write_text(f"# 金田村村庄规划\n\n单位：公顷\n{table}\n\n规划基期年，耕地85.42公顷。\n",
                                      encoding="utf-8")
    text = read_report(tmp_path / "plan.md", tmp_path).text
    assert "<t" not in text and "规划基期年，耕地85.42公顷。" in text
    assert text.splitlines()[4:10] == [
        "| 地类 | 地类 | 现状基期年面积 | 现状基期年比重 |", "| --- | --- | --- | --- |",
        "| 农业用地 | 耕地 | 85.42 | 3.63% |", "| 农业用地 | 草地 | 3.46 | 0.15% |", "| 合计 |  | 88.88 | 3.78% |", ""]
    (tmp_path / "plain.md").write_text("# 报告\n\n粮食产量259.2亿斤。\n", encoding="utf-8")
    assert read_report(tmp_path / "plain.md", tmp_path).text == "# 报告\n\n粮食产量259.2亿斤。\n"  # as written
