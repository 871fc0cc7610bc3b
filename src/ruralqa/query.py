"""A question, parsed once: every later stage (search, answer extraction, evaluation) reads this value and never
the raw string again."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from ruralqa.errors import UsageError
from ruralqa.figures import LINK
from ruralqa.text import words
from ruralqa.text.normalize import UNITS, normalize, unit_family
from ruralqa.text.places import places_in_question, short_name

MAX_QUESTION_CHARS = 200  # longer questions are cut here (with a notice): a question, not a document
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]+")
# A unit right after a question word (多少万亩, 几个): what the answer is measured in. UNIT_AFTER is what follows 多少.
UNIT_AFTER = r"(?:十|百|千|万|亿)*(" + "|".join(re.escape(u) for u in UNITS) + ")"
_EXPLICIT_UNIT = re.compile(r"(?:多少|几)" + UNIT_AFTER)
_AMOUNT_ASKED = re.compile(r"(?:(?:多少|几)(?:十|百|千|万|亿)*|多大的?)(?![是有的在呢吗个])[\u4e00-\u9fff]")  # 多少 + a noun
# 多少 + a noun phrase ending in a word for people: what is counted is people
_PEOPLE_COUNTED = re.compile(r"(?:多少|几)(?:个|名|位)?[\u4e00-\u9fff、]{0,10}?(?:人口|人员|劳动力|群众)(?!人均|的?收入)")
PEOPLE = frozenset({"人", "名", "位"})  # measure words that count people: 多少人 is answered by 37名
_LAND = re.compile(r"面积|土地|耕地|用地|田|的地|块地|亩")
_NOT_A_SHARE = frozenset(unit_family(u) for u in UNITS) - {"%", "比"} | {""}
_NOT_A_TERM = re.compile(r"\d+|[\W_]+")
YEAR = re.compile(r"(19[5-9]\d|20\d\d)年")  # a year the question names (2024年)
# 截至2025年10月底: when a figure stands, which the passage's period and the record's year say, not its words
_DATE = re.compile(r"(?:截至|截止|截止到|到)?(?:(?:19|20)\d\d年)?\d{1,2}月(?:底|末|初|份|中旬|上旬|下旬)?|截至|截止")


class Vocabulary(Protocol):
    """What the index tells about its corpus for parsing a question (ruralqa.index.Index provides it)."""

    regions: list[str]  # the regions passages are cited under
    places: list[str]  # other place names found in the passages

    def tokens(self, text: str) -> list[str]: ...

    def idf(self, tokens: list[str]) -> dict[str, float]: ...


@dataclass(frozen=True)
class Query:
    text: str  # as asked
    normalized: str  # simplified, half-width, numerals as digits
    places: tuple[str, ...]  # places the question names
    kind: str  # quantity, name, yesno or other
    tokens: tuple[str, ...]  # BM25 tokens of the whole question
    terms: tuple[str, ...]  # content words: no question words, no place names
    weights: tuple[tuple[str, float], ...]  # (term, idf): rarer words weigh more
    attribute: str  # the content word the question asks the value of (产值 in 香菇产值是多少)
    head: str  # the noun after 什么/哪种 (什么管理 → 管理): the kind of thing a named answer is
    units: frozenset[str]  # unit families a quantity answer may have; empty: any (or not a quantity question)
    years: tuple[int, ...] = ()  # years the question names (2024年, 二〇二四年)
    wants_target: bool = False  # asks for a goal (目标/预期/计划), not a result
    unknown: frozenset[str] = frozenset()  # terms the reports never use: the asker's own words (牲口, 挣)
    # (unknown term, the words of its meaning that reports use): 城里 of 城里人 → 城市居民, 市民
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    notices: tuple[str, ...] = ()  # what was done to the question before it was asked (cut to length)
    # terms the passages looked at say whole before the measure asked (食糖产量; ruralqa.answer.extract): a metric
    # sharing only a character with one of them (粮食产量) measures another thing, as the reports name this one in full
    said_whole: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, question: str, vocab: Vocabulary, places: tuple[str, ...] = (),
              years: tuple[int, ...] = ()) -> Query:
        """`places` and `years` (ruralqa ask --place/--year) restrict the question as if it named them."""
        question, notices = decoded(question or "")
        question = _CONTROL.sub(" ", question).strip()  # control characters are no part of a question
        if not question:
            raise UsageError("the question is empty; ask something, e.g. ruralqa ask \"万荣县香菇产值是多少\"")
        if len(question) > MAX_QUESTION_CHARS:
            notices += (f"the question was cut to its first {MAX_QUESTION_CHARS} of {len(question)} characters",)
            question = question[:MAX_QUESTION_CHARS]
        asked = normalize(question)
        norm = words.reworded(asked)
        given = tuple(n for p in places  # a place neither the index nor the gazetteer knows still restricts
                      for n in places_in_question(normalize(p), vocab.regions, vocab.places) or (normalize(p),))
        places = tuple(dict.fromkeys(given + places_in_question(norm, vocab.regions, vocab.places)))
        kind = words.question_kind(norm)
        if kind == "other":
            kind = "quantity"  # 安徽2024年粮食总产量, 新建高标准农田: a measure named without a question word
        terms = content_terms(norm, places, vocab.tokens)
        weights = vocab.idf(list(terms)) if terms else {}
        never = vocab.idf([_NEVER])[_NEVER]  # the weight of a word no passage has
        # A common verb (or an adverb kept as a modifier) no report uses is the asker's way of saying it (获得 where
        # reports say 摘得; 通上自来水), not what is asked.
        verbs = {t for t, w in weights.items() if w >= never and words.grammar_tag(t) in ("v", "d")
                 and not _counted(t, norm)}  # not a verb used as a noun (生产 of 地区生产总值: jieba's vn)
        if verbs and len(verbs) < len(terms):
            terms = tuple(t for t in terms if t not in verbs)
            weights = {t: w for t, w in weights.items() if t not in verbs}
        unknown = [t for t, w in weights.items() if w >= never]
        # the words as asked are looked for too: a report may say 农民人均纯收入 as the question does
        tokens = tuple(dict.fromkeys(vocab.tokens(norm) + (vocab.tokens(asked) if asked != norm else [])))
        return cls(text=question, normalized=norm, places=places, kind=kind, tokens=tokens,
                   terms=terms, weights=tuple(weights.items()), attribute=attribute(norm, terms),
                   head=asked_head(norm, tokens), units=expected_units(norm) if kind == "quantity" else frozenset(),
                   years=tuple(dict.fromkeys(tuple(years) + years_in(norm))),
                   wants_target=wants_target(norm, tokens, unknown), notices=notices,
                   unknown=frozenset(unknown), synonyms=reports_synonyms(norm, unknown, vocab, never))

    def forms(self, term: str) -> tuple[str, ...]:
        """The forms a report may write a question word in (ruralqa.text.words.forms), its synonyms for a word no
        report uses last."""
        return words.forms(term) + dict(self.synonyms).get(term, ())


def reports_synonyms(normalized: str, unknown, vocab: Vocabulary, never: float):
    """For each word of the question no report uses, the words of the same meaning that reports do use, from the
    thesaurus: of the longest thesaurus word of the question that holds it (城里 of 城里人) or that it holds (庄稼 of
    the tokenizer's 庄稼种)."""
    if not unknown:
        return ()
    from ruralqa.text.synonyms import synonyms

    out = []
    for term in unknown:
        at = normalized.find(term)
        if at < 0:
            continue
        end = at + len(term)
        # longest first, then leftmost: an order that is the same in every run (a set's order is not)
        spans = sorted(((a, b) for a in range(max(0, at - 3), end)
                        for b in range(a + 2, min(a + 4, len(normalized)) + 1)
                        if (a <= at and b >= end) or (a >= at and b <= end)), key=lambda s: (s[0] - s[1], s[0]))
        said = next((s for s in (synonyms(normalized[a:b]) for a, b in spans) if s), ())
        idf = vocab.idf(list(said)) if said else {}
        used = tuple(s for s in said if idf[s] < never)
        if used:
            out.append((term, used))
    return tuple(out)


def decoded(question: str) -> tuple[str, tuple[str, ...]]:
    """A question typed in a terminal that is not UTF-8 reaches Python with its bytes as lone surrogates
    (surrogateescape): read those bytes as GB18030 (a GBK terminal), or refuse in one line."""
    if not _SURROGATE.search(question):
        return question, ()
    raw = question.encode("utf-8", "surrogateescape")
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        raise UsageError("the question is not valid UTF-8 (nor GBK); set the terminal to UTF-8 "
                         "(e.g. export LANG=C.UTF-8) and ask again") from None
    return text, ("the question was not UTF-8; it was read as GBK/GB18030",)


_SURROGATE = re.compile(r"[\ud800-\udfff]")
_NEVER = "\x00"  # a token no report holds (control characters are removed from text)


def content_terms(normalized: str, places: tuple[str, ...], tokenize) -> tuple[str, ...]:
    """The question's content words: no question words, no place names (those are checked separately)."""
    # Years and goal words, like places, are checked against the passage's period, not matched as its words.
    q = words.TARGET_WORDS.sub(" ", YEAR.sub(" ", _DATE.sub(" ", normalized)))
    # whole names first: 徐水县 (as asked) before the short name of 徐水区 (the index's) leaves no 县 behind
    for p in sorted(places, key=len, reverse=True):
        q = q.replace(p, " ")
    for p in places:
        q = q.replace(short_name(p), " ")
    q = words.FILLER.sub(" ", q)
    # the measure word asked and the one character it counts are two words, however jieba joins them (多少株树: 株树)
    tokens = [p for t in tokenize(q) for p in _unjoined(t, normalized)]
    content = [t for t in tokens if not _NOT_A_TERM.fullmatch(t) and (not _grammar(t) or _counted(t, normalized))]
    terms = []
    for t in tokens:
        if t not in terms and (t in content or _attributive(t, q, content)):
            terms.append(t)
    # search-mode tokens overlap (香菇产值, 香菇, 产值): keep the smallest pieces, so partial matches count
    return tuple(t for t in terms if not any(o != t and o in t for o in terms)) or tuple(terms)


def _unjoined(token: str, normalized: str) -> tuple[str, ...]:
    """A measure word asked and the one character it counts, as two words (多少株树 → 株, 树); after 哪 the measure
    word is none (哪条河 → 河)."""
    if len(token) == 2 and token[0] in UNITS and _counted(token[1], normalized):
        return (token[1],) if re.search("哪" + re.escape(token), normalized) else (token[0], token[1])
    return (token,)


def _counted(token: str, normalized: str) -> bool:
    """Whether a one-character word is what the measure word asked counts, standing whole after it (树 of 多少亩树,
    not 好 of 多少亩好田): a noun, however jieba tags it."""
    return len(token) == 1 and bool(re.search(r"(?:多少|几|哪)" + UNIT_AFTER + re.escape(token) + r"(?![\u4e00-\u9fff])",
                                              normalized))  # 哪条河: 河


def _attributive(token: str, q: str, content: list[str]) -> bool:
    """An adverb right before a word that is no verb modifies it as part of its name (永久基本农田); before a verb it
    is how the asker says it (真正住在, 出去打工)."""
    if len(token) < 2 or words.grammar_tag(token)[:1] != "d":
        return False
    at = q.find(token)
    return any(len(c) >= 2 and q.startswith(c, at + len(token)) and not words.grammar_tag(c) for c in content)


def _grammar(token: str) -> bool:
    """Words that carry no content of their own (已经, 过, 能, 往, 当): adverbs, prepositions, pronouns, particles,
    conjunctions, and one-character verbs, by jieba's tagged dictionary."""
    tag = words.grammar_tag(token)
    return bool(tag) and (tag[0] in "dpcruy" or len(token) == 1)


def wants_target(normalized: str, tokens: tuple[str, ...], unknown=()) -> bool:
    """Whether a question asks a goal: a word of goals (目标, 计划), or 要 standing alone before what is to be done
    (面积要稳定在, 产值要突破; the tokenizer keeps 主要, 需要, 重要 whole), or joined by the tokenizer into a word
    of two characters no report uses (管理率要达到: 率要)."""
    return bool(words.TARGET_WORDS.search(normalized)) or "要" in tokens or any(
        len(t) == 2 and t[1] == "要" for t in unknown)


def years_in(normalized: str) -> tuple[int, ...]:
    return tuple(dict.fromkeys(int(y) for y in YEAR.findall(normalized.replace("〇", "0"))))


def attribute(normalized: str, terms: tuple[str, ...]) -> str:
    """The content word nearest before the question word: what is measured (产值 in 万荣县香菇产值是多少)."""
    m = words.ASKED.search(normalized)
    before = normalized[:m.start()] if m else normalized  # no question word (各省粮食产量): the words end in it
    # a verb that links a measure to its value or bound (达到, 突破, 稳定在) is none
    found = [(before.rfind(t), t) for t in terms if t in before and not LINK.fullmatch(t)]
    return max(found)[1] if found else ""


def asked_head(normalized: str, tokens: tuple[str, ...]) -> str:
    """The first word after 什么/哪个, its shortest reading of two characters or more (什么管理模式 → 管理), else of
    one (哪个村被评为 → 村, not 村被)."""
    m = words.ASKED_HEAD.search(normalized)
    if not m:
        return ""
    found = [t for t in tokens if normalized.startswith(t, m.end()) and re.fullmatch(r"[\u4e00-\u9fff]+", t)]
    return min(found, key=lambda t: (len(t) < 2, len(t)), default="")


def expected_units(normalized: str) -> frozenset[str]:
    """Unit families the answer may have: 多少座 → 座; 产值 → 元; 比例 → %; nothing said → any."""
    explicit = _EXPLICIT_UNIT.search(normalized)
    if explicit:
        family = unit_family(explicit.group(1))
        return PEOPLE if family in PEOPLE else frozenset({family})
    if _PEOPLE_COUNTED.search(normalized):
        return PEOPLE | {"户", "人次"}  # 多少贫困和低收入人口: people, whatever words (收入) name which ones
    for pattern, units in words.EXPECTED_UNITS:
        if pattern.search(normalized):
            return units | (words.CHANGE_UNITS if words.MOVE_ASKED.search(normalized) else frozenset())
    if _AMOUNT_ASKED.search(normalized):
        # 多少农村劳力, 多少牲口和家禽的粪便: an amount of it, never a share of something, nor an area unless land is
        # spoken of (多少粮食 is no 种植粮食62万亩)
        return _NOT_A_SHARE if _LAND.search(normalized) else _NOT_A_SHARE - {"亩"}
    return frozenset()
