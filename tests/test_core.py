"""Unit tests of the pieces between the index and the answer: query parsing, fusion, place weighting, answer
extraction on made-up hits, the BM25 reader against bm25s, the manifest type and the package's import structure."""

import ast
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ruralqa.answer import extract
from ruralqa.config import AnswerParams, RetrievalParams
from ruralqa.index.manifest import FileRecord, Manifest, ReportRecord
from ruralqa.query import Query
from ruralqa.search import convex, fuse, place_factor, rrf
from ruralqa.text.tokenize import Tokenizer
from ruralqa.types import Chunk, Citation, Hit

SRC = Path(__file__).resolve().parents[1] / "src" / "ruralqa"


class Vocab:
    """A Vocabulary as an index gives it, over jieba's full dictionary and equal word weights."""

    def __init__(self, regions=("万荣县", "盐湖区"), places=("王显乡",)):
        self.regions, self.places = list(regions), list(places)
        self._tok = Tokenizer(words=[*regions, *places])

    def tokens(self, text):
        return self._tok.tokens(text)

    def idf(self, tokens):
        return {t: 1.0 for t in tokens}


@pytest.fixture(scope="module")
def vocab():
    return Vocab()


def test_query_is_parsed_once_into_everything_later_stages_need(vocab):
    q = Query.parse("  萬榮縣香菇產值是多少？ ", vocab)
    assert q.text == "萬榮縣香菇產值是多少？" and q.normalized == "万荣县香菇产值是多少?"
    assert q.places == ("万荣县",) and q.kind == "quantity" and q.units == {"元"}
    assert q.attribute == "产值" and "香菇" in q.terms and "万荣县" not in q.terms
    assert "香菇" in q.tokens and dict(q.weights).keys() == set(q.terms)


@pytest.mark.parametrize("question, places", [
    ("万荣的苹果产量", ("万荣县",)),  # short name of an indexed region
    ("王显乡入选了什么称号", ("王显乡",)),  # a place the corpus mentions
    ("闻喜县花馍产值是多少", ("闻喜县",)),  # a county the corpus never mentions still counts
    ("全县有多少个村", ()),  # 全县 is no place name
])
def test_query_places(vocab, question, places):
    assert Query.parse(question, vocab).places == places


def test_a_place_asked_by_another_suffix_leaves_no_piece_of_its_name_as_a_word():
    from ruralqa.query import content_terms

    # the index knows 徐水区, the question says 徐水县 (the gazetteer's): no 县 is left to match 全县 near any figure
    assert content_terms("徐水县2010年小麦产量是多少", ("徐水区", "徐水县"), Vocab().tokens) == ("小麦", "产量")


@pytest.mark.parametrize("question, kind, head, units", [
    ("云冈区共有多少个行政村", "quantity", "", {"个"}),
    ("有多少座菇棚", "quantity", "", {"座"}),
    ("群众满意率是多少", "quantity", "", {"%"}),
    ("采用什么管理模式", "name", "管理", set()),
    ("是否建成了乡邻中心", "yesno", "", set()),
])
def test_query_kind_head_and_units(vocab, question, kind, head, units):
    q = Query.parse(question, vocab)
    assert (q.kind, q.head, q.units) == (kind, head, units)


def test_the_words_as_asked_are_looked_for_beside_their_rewrite(vocab):
    # 农民人均 is read as 农村居民人均, but a report until 2013 says 农民人均纯收入 as the question does
    tokens = Query.parse("清苑县2007年农民人均纯收入是多少", vocab).tokens
    assert "农民" in tokens and "农村" in tokens


def test_empty_question_is_refused(vocab):
    from ruralqa.errors import UsageError

    with pytest.raises(UsageError, match="empty"):
        Query.parse(" \n", vocab)


def test_fusion():
    dense, lexical = {1: 0.9, 2: 0.5, 3: 0.1}, {3: 12.0, 4: 6.0}
    c = convex(dense, lexical, alpha=0.6)
    assert c[1] == pytest.approx(0.6) and c[3] == pytest.approx(0.4) and c[4] == 0.0 and c[2] == pytest.approx(0.3)
    r = rrf([dense, lexical], k=60)
    assert r[3] == pytest.approx(1 / 63 + 1 / 61) and max(r, key=r.get) == 3
    assert fuse(dense, lexical, "dense", RetrievalParams()) is dense
    assert fuse(dense, lexical, "hybrid", RetrievalParams(fusion="rrf")) == r


def _chunk(text, region="万荣县", title="万荣县报告", file="a.txt", paragraph=1, start=0):
    cit = Citation(file=file, title=title, region=region, paragraph=paragraph, line_start=paragraph,
                   line_end=paragraph, char_start=start, char_end=start + len(text))
    return Chunk(id=text[:8], text=text, heading="", kind="body", citation=cit)


def test_place_weighting(vocab):
    q = Query.parse("万荣县香菇产值是多少", vocab)
    regions = {"万荣县", "盐湖区"}
    assert place_factor(q, _chunk("香菇产值3亿元。"), regions, 0.5) == 1.0
    assert place_factor(q, _chunk("香菇产值1亿元。", region="盐湖区", title="盐湖区报告"), regions, 0.5) == 0.5
    assert place_factor(q, _chunk("万荣县香菇产值1亿元。", region="盐湖区", title="盐湖区报告"), regions, 0.5) == 1.0
    assert place_factor(q, _chunk("香菇产值1亿元。", region="", title="报告"), regions, 0.5) == 1.0  # region unknown
    assert place_factor(Query.parse("香菇产值是多少", vocab), _chunk("x", region="盐湖区"), regions, 0.5) == 1.0


def _hits(*chunks):
    return [Hit(chunk=c, score=1.0 - i / 10, rank=i + 1) for i, c in enumerate(chunks)]


def test_extract_picks_the_quantity_of_the_asked_attribute(vocab):
    q = Query.parse("万荣县香菇产值是多少", vocab)
    text = "形成5500座菇棚、3500万棒香菇的规模,年产值达3亿元,带动153个村7800余人增收致富。"
    a = extract(q, _hits(_chunk(text, start=100)))
    assert a.text == "3亿元" and a.value == 300000000 and a.unit == "元"
    assert a.citation.char_start == 100 + text.index("3亿元") and a.sentence == text


def test_extract_skips_other_places_and_declines(vocab):
    q = Query.parse("万荣县香菇产值是多少", vocab)
    other = _chunk("香菇产值达2亿元。", region="盐湖区", title="盐湖区报告")
    assert extract(q, _hits(other)) is None  # the only passage is about another place
    unrelated = _chunk("万荣县苹果种植面积达50万亩。")
    assert extract(q, _hits(unrelated)) is None  # wrong unit and nothing about 香菇产值


def test_extract_respects_respectively(vocab):
    q = Query.parse("盐湖区农产品加工产值是多少", vocab)
    text = "农产品加工销售收入、产值分别达到11.95亿元、9.89亿元。"
    a = extract(q, _hits(_chunk(text, region="盐湖区", title="盐湖区报告")))
    assert a is not None and a.text == "9.89亿元"


def test_answer_params_are_passed_in(vocab):
    q = Query.parse("万荣县香菇产值是多少", vocab)
    hits = _hits(_chunk("香菇产业年产值达3亿元。"))
    assert extract(q, hits).text == "3亿元"
    assert extract(q, hits, AnswerParams(record_coverage=1.01)) is None  # stricter threshold: declines


def test_bm25_reader_scores_as_bm25s_does(tmp_path):
    import bm25s

    from ruralqa.index import lexical

    texts = ["万荣县香菇产值达3亿元", "盐湖区苹果产量达20万吨", "万荣县苹果产业", "云冈区黄花产业"]
    words = {"万荣县", "盐湖区", "云冈区"}
    tok = Tokenizer(words)
    tokens = lexical.tokenize(texts, tok)
    length = lexical.write_postings(tmp_path, tokens)
    lexical.write_dictionary(tmp_path, lexical.dictionary_entries(tokens, words, tok))
    store = lexical.Bm25(tmp_path, [(lexical.Postings(tmp_path), None)], len(texts), length)
    ref = bm25s.BM25()
    ref.index(tokens, show_progress=False)
    for question in ("万荣县苹果", "香菇产值", "黄花"):
        q = store.tokens(question)
        np.testing.assert_allclose(store.scores(q, 0), ref.get_scores(q), rtol=1e-6)


def test_manifest_round_trip(tmp_path):
    m = Manifest(model_id="m", dim=4, chunking={"max_chars": 200}, dense={"type": "flat"}, chunks=2,
                 reports={"a.docx": ReportRecord("s", "c", "docx", "docx", 2, 30, (0, 10), "texts/x.txt")},
                 regions=["万荣县"], places=["王显乡"], files={"vectors.npy": FileRecord(10, "ab")})
    m.save(tmp_path)
    back = Manifest.read(tmp_path)
    assert back == replace(m, created=back.created) and back.fingerprint == m.fingerprint
    raw = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert raw["counts"] == {"reports": 1, "chunks": 2} and "万荣县" in (tmp_path / "manifest.json").read_text("utf-8")


def _imports():
    """module → (package modules it imports, anywhere in it; names it takes from them)."""
    mods = {".".join(p.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__"): p
            for p in SRC.rglob("*.py")}
    edges, private = {m: set() for m in mods}, []
    for m, path in mods.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ruralqa"):
                for a in node.names:
                    target = f"{node.module}.{a.name}"
                    edges[m].add(target if target in mods else node.module)
                    if a.name.startswith("_") and not a.name.startswith("__") and target not in mods:
                        private.append(f"{m}: {node.module}.{a.name}")
            elif isinstance(node, ast.Import):
                edges[m].update(a.name for a in node.names if a.name in mods)
    return edges, private


def test_no_import_cycle_and_no_private_names():
    edges, private = _imports()
    assert private == []
    state = {}

    def visit(m, path):
        state[m] = "open"
        for n in edges.get(m, ()):
            assert state.get(n) != "open", " -> ".join(path + [n])
            if n not in state:
                visit(n, path + [n])
        state[m] = "done"

    for m in edges:
        if m not in state:
            visit(m, [m])


@pytest.mark.parametrize("question, places", [
    ("云冈区区域公用品牌", ("云冈区",)),  # a district an old gazetteer lacks, named first
    ("2024年云冈区粮食产量", ("云冈区",)),
    ("台安县有多少个设施农业小区", ("台安县",)),  # 小区 after the question's start is no place
])
def test_question_places_beyond_the_index(question, places):
    assert Query.parse(question, Vocab(regions=(), places=())).places == places


def test_a_measure_without_a_question_word_is_a_quantity_question(vocab):
    assert Query.parse("上海2025年新建高标准农田", vocab).kind == "quantity"


def test_a_ratio_question_expects_no_money(vocab):
    assert Query.parse("东山县城乡居民收入比是多少", vocab).units == {"比"}  # 1.47:1; never 34,577元


def test_national_questions_need_a_national_report(vocab):
    q = Query.parse("2024年全国粮食产量是多少", vocab)
    assert q.places == ("全国",)
    hits = _hits(_chunk("单产连续3年居粮食主产省第1位，总产量达到853.2亿斤，全国第4。", region="吉林省", title="吉林省报告"))
    assert extract(q, hits) is None  # 全国第4 in a province's report is no national figure


def test_a_part_of_the_population_is_not_the_whole(vocab):
    q = Query.parse("湖南2025年农村居民收入增长", vocab)
    assert q.units == {"%", "倍"}  # growth: 增长5.8% or 增长3倍
    text = "脱贫地区农村居民收入增长6.3%。全省居民人均可支配收入增长5%，其中农村居民收入增长5.8%。"
    assert extract(q, _hits(_chunk(text, region="湖南省", title="湖南省报告"))).text == "5.8%"


def test_a_passage_naming_the_year_asked_is_not_demoted_for_its_sections_year(vocab):
    from ruralqa.config import RetrievalParams
    from ruralqa.search import period_factor

    params = RetrievalParams()
    q = Query.parse("徐水县2015年生猪出栏的目标是多少", vocab)

    def plan(text):
        from dataclasses import replace
        return replace(_chunk(text, region="徐水区"), period_year=2011, period_kind="target")

    # a 2011 plan that says what 2015 is to reach speaks of 2015; one that does not is of another year
    assert period_factor(q, plan("2015年生猪存栏60万头、出栏90万头。"), params) == 1.0
    assert period_factor(q, plan("年内力争生猪存栏47万头、出栏62万头。"), params) == params.year_mismatch
