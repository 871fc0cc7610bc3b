from hypothesis import given, settings, strategies as st

from ruralqa.corpus import catalog, ingest
from ruralqa.corpus.context import articles_for
from ruralqa.corpus.chunk import chunk_report, split_paragraph
from ruralqa.config import ChunkSettings
from ruralqa.types import Article, Report
from conftest import SEED_CORPUS, WANRONG, YUNGANG

CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
PUNCT = st.sampled_from(list("。！？；，、：“”…（）,.!? \u3000\t"))
TEXT = st.text(alphabet=st.one_of(CHINESE, PUNCT, st.sampled_from(list("0123456789\n\n\r"))), max_size=1500)


def _report(text: str) -> Report:
    return Report(path="r.txt", text=text, sha256="x", format="txt", encoding="utf-8")


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(min_value=20, max_value=300))
def test_offsets_point_at_chunk_text(text, max_chars):
    cfg = ChunkSettings(max_chars=max_chars)
    chunks = chunk_report(_report(text), [Article("t", "", 1, text.count("\n") + 1)], cfg)
    last_end = 0
    for c in chunks:
        cit = c.citation
        assert text[cit.char_start:cit.char_end] == c.text
        assert 0 < len(c.text) <= max_chars
        assert cit.char_start >= last_end  # in order, never overlapping
        last_end = cit.char_end
        assert text.count("\n", 0, cit.char_start) + 1 == cit.line_start


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(min_value=20, max_value=300))
def test_paragraph_split_loses_nothing(text, max_chars):
    spans = split_paragraph(text, 0, len(text), max_chars)
    rebuilt = "".join(text[a:b] for a, b in spans)
    assert "".join(rebuilt.split()) == "".join(text.split())


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_everything_is_a_passage_or_a_heading(text):
    chunks = chunk_report(_report(text), [Article("t", "", 1, text.count("\n") + 1)])
    covered = "".join(c.text for c in chunks)
    headings = [line.strip() for line in text.split("\n") if line.strip()]
    body_chars = sum(len("".join(c.text.split())) for c in chunks)
    assert body_chars <= len("".join(text.split()))
    for line in headings:  # a line missing from the chunks must have been taken as a heading
        if "".join(line.split()) not in "".join(covered.split()):
            assert len(line) <= ChunkSettings().heading_max_chars


def _seed_chunks(name):
    cat = catalog.load(SEED_CORPUS)
    report = ingest.read_report(SEED_CORPUS / name, SEED_CORPUS)
    arts = articles_for(report.text, cat[name], name)
    return report, chunk_report(report, arts, captions=cat[name].captions)


def test_newspaper_page_articles_are_cited_by_their_own_title():
    report, chunks = _seed_chunks(WANRONG)
    by_text = {c.text[:8]: c for c in chunks}
    assert by_text["延伸香菇“全链条”"[:8]].citation.region == "万荣县"
    assert "万荣" in by_text["延伸香菇“全链条”"[:8]].citation.title
    yanhu = [c for c in chunks if "盐湖区2023年农村居民" in c.text][0]
    assert yanhu.citation.region == "盐湖区" and "盐湖" in yanhu.citation.title


def test_captions_and_fragments_stay_apart():
    report, chunks = _seed_chunks(WANRONG)
    caption = [c for c in chunks if c.text == "盐湖区常平村忠义街"]
    assert caption and caption[0].kind == "caption"
    fragment = [c for c in chunks if c.text == "在“清”上,重点解决建筑垃圾有"]
    assert fragment, "a fragment cut by the layout is its own passage, not a heading or part of the caption"
    titles = {a["title"] for a in catalog.load(SEED_CORPUS)[WANRONG].articles}
    assert not any(c.text in titles for c in chunks)


def test_headings_give_context():
    report, chunks = _seed_chunks(YUNGANG)
    loan = [c for c in chunks if "625.8万元" in c.text][0]
    assert loan.heading == "聚力做好农民增收重点任务,推动收入丰盈"
    assert loan.embed_text.startswith("云冈区 聚力做好农民增收")  # place and section give context
    assert all(len(c.text) <= 200 for c in chunks)


def test_ids_are_content_hashes():
    _, a = _seed_chunks(YUNGANG)
    _, b = _seed_chunks(YUNGANG)
    assert [c.id for c in a] == [c.id for c in b]
    assert len({c.id for c in a}) == len(a)
