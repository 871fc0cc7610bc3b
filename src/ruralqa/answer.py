"""The extracted answer: the span of a retrieved passage that answers the question, with its own citation.

Candidates are the passages' figures as their records read them (ruralqa.records), quoted names, enumerations (A、B、C) and clauses of the
sentences in the top passages. A candidate is scored by how much of the question's content (its rarer words
weigh more) stands near it: in the same clause, in the same sentence, or in the passage's heading. A question
that expects a kind of quantity (产值 → 元, 多少人 → 人, 比例 → %) rejects other units. When the best candidate's
passage does not cover enough of the question, or is about another place than the one asked about, there is no
answer: ruralqa says the reports do not say, rather than guess. Nothing outside the passages is ever returned.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from ruralqa.config import AnswerParams
from ruralqa.corpus.chunk import SENTENCE_END
from ruralqa.figures import COUNTERS, Figure
from ruralqa.query import PEOPLE, Query
from ruralqa.records import AVERAGE_ASKED, CHANGE_ASKED, asked_subgroups, asking_unit, counted, figure_at, figures_of
from ruralqa.text.normalize import is_han, normalize
from ruralqa.text import gazetteer
from ruralqa.text import places
from ruralqa.text.places import passage_is_about
from ruralqa.text.words import TARGET_WORDS, WHERE, grammar_tag, shortened
from ruralqa.text.words import asked as words_asked
from ruralqa.text.words import forms as word_forms
from ruralqa.types import Answer, Chunk, Hit

CLAUSE = re.compile(r"[，,；;：:]")
QUOTED = re.compile(r"[“「『\"]([^”」』\"]{1,30})[”」』\"]")
BOLD = re.compile(r"\*\*([^*\d\n]{2,30})\*\*")  # Markdown's emphasis marks a name as quotes do (**白羽肉鸡**)
ENUM = re.compile(r"[\u4e00-\u9fff]{1,8}(?:、[\u4e00-\u9fff]{1,8})+")
QUOTED_LIST = re.compile(r"[“\"][^”\"]{1,12}[”\"](?:、[“\"][^”\"]{1,12}[”\"])+")  # “宁夏大米”、“宁夏小麦”


@dataclass(frozen=True)
class Candidate:
    start: int  # offsets in the chunk text
    end: int
    kind: str  # quantity, quoted, enum, clause (a clause's longest leftover run), part (its other runs)
    unit: str = ""
    value: float | None = None


def _quantity_candidates(chunk) -> list[Candidate]:
    """The passage's figures, as its records read them: a number no record reads measures nothing known."""
    base = chunk.citation.char_start
    return [Candidate(f.char_start - base, f.char_end - base, "quantity", f.unit, f.value) for f in figures_of(chunk)]


def _enum(text: str, m: re.Match) -> Candidate:
    """An enumeration A、B、C, with the first and last items cut to the length of their neighbours
    (大力发展柴胡、黄芩、丹参等 → 柴胡、黄芩、丹参)."""
    items = m.group(0).split("、")
    a, b = m.start(), m.end()
    inner = [len(x) for x in items[1:-1]] or [min(len(items[0]), len(items[-1]))]
    width = max(inner)
    if len(items[0]) > width:
        a += len(items[0]) - width
    last = items[-1].split("等")[0]
    b -= len(items[-1]) - min(len(last), width)
    return Candidate(a, b, "enum")


def _residues(text: str, covered: list[bool], head: str, kind: str = "") -> list[Candidate]:
    """Within each clause, the longest run the question's words do not cover (引进社会力量中航环卫进驻 → 中航环卫), and
    its other runs as parts, which answer only where they stand as the one asked (_slot: 麻山药获评…区域公用品牌、
    市场竞争力品牌 → 市场竞争力, and the part 麻山药).
    A run followed by the noun the question asks for (什么管理 → 星级化管理) keeps that noun. A run that goes on a
    list of names of the kind asked (…北龙化村和小王果庄乡李果庄村, 村 being a word of 哪些村) takes the names before it."""
    out, pos = [], 0
    for piece in re.split(r"(?<=[，,；;。！？：:])", text):
        runs = []
        i = pos
        while i < pos + len(piece):
            if covered[i] or not _is_word_char(text[i]):
                i += 1
                continue
            j = i
            while j < pos + len(piece) and not covered[j] and _is_word_char(text[j]):
                j += 1
            runs.append((i, j))
            i = j
        for n, (a, b) in enumerate(sorted((r for r in runs if r[1] - r[0] >= 2), key=lambda r: r[0] - r[1])):
            while kind and a - 1 > pos and text[a] in "和与及、" and text[a - 1] == kind[-1] and \
                    covered[a - 1] and a - 2 >= pos and not covered[a - 2] and _is_word_char(text[a - 2]):
                a -= 1  # back over the kind's word and the name before it
                while a - 1 >= pos and not covered[a - 1] and _is_word_char(text[a - 1]):
                    a -= 1
            noun, named = head or kind, False
            if noun and text.startswith(noun, b):
                b += len(noun)  # …and a name before it stands after its 的 (清澈的蓟运河 → 蓟运河); so named, it is
                a = max(a, text.rfind("的", a, b - len(noun) - 1) + 1)  # no mere part of its clause (庆丰镇的田间地头)
                named = True
            out.append(Candidate(a, b, "clause" if not n or named else "part"))
        pos += len(piece)
    return out


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "—-+"


def _names(text: str, terms: list[str], head: str, kind: str = "", asked: str = "") -> list[Candidate]:
    out = [Candidate(m.start(1), m.end(1), "quoted") for m in QUOTED.finditer(text)]
    out += [Candidate(m.start(1), m.end(1), "quoted") for m in BOLD.finditer(text)
            if not any(c.start <= m.start(1) < c.end for c in out)]
    out += [_enum(text, m) for m in ENUM.finditer(text)]
    out += [Candidate(m.start(), m.end(), "enum") for m in QUOTED_LIST.finditer(text)]
    out += _cells(text)
    covered = [False] * len(text)
    norm = normalize(text)
    if len(norm) == len(text):
        for t in terms:
            for m in re.finditer(re.escape(t), norm):
                covered[m.start():m.end()] = [True] * (m.end() - m.start())
        # and whatever else the question says word for word (为2021年 of 被评为2021年…): what it says is no name
        for i in range(len(norm) - 1):
            j = i + 2
            while j <= len(norm) and norm[i:j] in asked:
                j += 1
            if j > i + 2:
                covered[i:j - 1] = [True] * (j - 1 - i)
    out += _residues(text, covered, head, kind)
    return out


def _cells(text: str) -> list[Candidate]:
    """The value cells of a Markdown table's rows (| 国家级荣誉 | 第七届全国文明村镇（2025年） |): each stands whole, as a
    quotation does, its label cell before it saying what it is."""
    out = []
    for row in re.finditer(r"^\|.*\|\s*$", text, re.M):
        cells = list(re.finditer(r"(?<=\|)\s*(?:\*\*)?([^|]*?)(?:\*\*)?\s*(?=\|)", row.group(0)))
        for m in cells[1:]:
            if re.search(r"[\u4e00-\u9fff]", m.group(1)) and not re.fullmatch(r"[-:\s]*", m.group(1)):
                out.append(Candidate(row.start() + m.start(1), row.start() + m.end(1), "quoted"))
    return out


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    start = 0
    for m in SENTENCE_END.finditer(text):
        if m.end() <= pos:
            start = m.end()
        else:
            return start, m.end()
    return start, len(text)


def _clause_bounds(text: str, a: int, b: int) -> tuple[int, int]:
    s, e = _sentence_bounds(text, a)
    left = max([m.end() for m in CLAUSE.finditer(text, s, a)], default=s)
    right = next((m.start() for m in CLAUSE.finditer(text, b, e)), e)
    return left, right


def _score(cand: Candidate, text: str, context: str, terms: dict[str, float], attr: str,
           local_chars: int, implied: frozenset[str] = frozenset(),
           unknown: frozenset[str] = frozenset(), forms_of=word_forms) -> tuple[float, float]:
    """(proximity score, coverage): how near the question's words are, and how many are in the passage.
    The attribute asked about (产值, 人数...) counts double next to the candidate; words its unit answers (面积 of
    多大面积 by 43万亩: `implied`) are in the passage as the figure is; a word no report uses (`unknown`) is there in
    its long form (劳力 in 劳动力); `forms_of` gives the forms a report may write a word in (Query.forms)."""
    norm = normalize
    cl_a, cl_b = _clause_bounds(text, cand.start, cand.end)
    se_a, se_b = _sentence_bounds(text, cand.start)
    clause_before, clause_after = norm(text[cl_a:cand.start]), norm(text[cand.end:cl_b])
    sentence, whole = norm(text[se_a:se_b]), norm(text + " " + context)
    span = norm(text[cand.start:cand.end])
    total = 1.5 * (sum(terms.values()) + terms.get(attr, 0.0)) or 1.0
    score = covered = 0.0
    local = clause_before[-local_chars:]
    for term, w in terms.items():
        forms = forms_of(term)

        def has(text: str) -> bool:
            return any(f in text for f in forms)

        if has(whole) or term in implied or (term in unknown and shortened(term, whole)):
            covered += w
        if term in span and cand.kind != "quantity":
            continue  # an answer that repeats the question's words does not answer it
        if term == attr and has(clause_before):
            w *= 2
        if has(local):
            score += 1.5 * w
        elif has(clause_before):
            score += w
        elif has(clause_after):
            score += 0.7 * w
        elif has(sentence):
            score += 0.45 * w
        elif has(whole):
            score += 0.2 * w
    return score / total, covered / (sum(terms.values()) or 1.0)


def _sentence_coverage(text: str, cand: Candidate, terms: dict[str, float], forms_of=word_forms) -> float:
    """The share of the question's words (idf-weighted, report word forms counted) in the candidate's sentence."""
    start, end = _sentence_bounds(text, cand.start)
    sentence = normalize(text[start:end])
    total = sum(terms.values()) or 1.0
    return sum(w for t, w in terms.items() if any(f in sentence for f in forms_of(t))) / total


# The features of an answer candidate (about 0 to 1); a fitted model (data/answer_model.json) weighs them.
FEATURES = ("proximity", "coverage", "unit_fit", "kind_quantity", "kind_quoted", "kind_enum",
            "kind_clause", "head_after", "attr_after", "attr_local", "rank", "year_match", "period_known", "bound",
            "wants_target", "change", "change_asked", "average", "subgroup",
            "score", "log_score", "passes")  # the last three: the hand-set score and checks, which the model weighs


@dataclass(frozen=True)
class Scored:
    cand: Candidate
    hit: Hit
    features: dict[str, float]
    figure: Figure | None = None  # the record of a quantity candidate (ruralqa.records.figure_at), read once


def candidates(query: Query, hits: list[Hit], params: AnswerParams = AnswerParams()) -> list[Scored]:
    """Every span of the top passages that could answer, with its features. Passages about another place, another
    year, or a target where a result is asked (or the reverse) give none: those are never given as the answer."""
    if not query.terms:
        return []
    weights = dict(query.weights)
    attr, head, expect = query.attribute, query.head, query.units
    quantity = query.kind == "quantity"
    implied = {}  # unit → the question's words that unit answers (面积 → 亩)
    name_kind = "" if quantity else _name_head(query)
    out = []
    # the first passages about the place asked and of the period asked: others' spans are never the answer, so
    # they take no place among those looked at
    # A figure in the unit asked (多大比例 → %) can only come from a passage that states one: the others take no
    # place either.
    looked_at = _looked_at(query, [h for h in hits if not quantity or _states_unit(query, h.chunk)], params)
    for hit in looked_at:
        chunk = hit.chunk
        text = chunk.text
        # Passages of the same paragraph give each other context (a list after 其中 needs its lead sentence).
        siblings = [h.chunk.text for h in hits if h.chunk.citation.file == chunk.citation.file
                    and h.chunk.citation.paragraph == chunk.citation.paragraph and h.chunk is not chunk]
        context = " ".join((chunk.context, chunk.citation.title, *siblings))
        cands = _quantity_candidates(chunk) if quantity else _names(text, list(query.terms), head, name_kind,
                                                                          query.normalized)
        for cand in cands:
            if not quantity and normalize(text[cand.start:cand.end]) in query.normalized:
                continue  # the question's own words do not answer it
            if params.min_sentence_coverage and \
                    _sentence_coverage(text, cand, weights, query.forms) < params.min_sentence_coverage:
                continue  # 乡村旅游经营收入增长8% is no 农村居民人均可支配收入 figure, however near its words
            if quantity and cand.unit not in implied:
                implied[cand.unit] = frozenset(asking_unit(query, weights, cand.unit))
            proximity, coverage = _score(cand, text, context, weights, attr, params.local_chars,
                                         implied.get(cand.unit, frozenset()) if quantity else frozenset(),
                                         query.unknown, query.forms)
            after = normalize(text[cand.end:cand.end + 8]).lstrip("”」』\"")
            before = normalize(text[max(0, cand.start - params.local_chars):cand.start])
            # what the figure is (a bound, a change, an average, of a group) is its record's qualifier and subgroup
            figure = figure_at(chunk, cand.start, cand.end) if cand.kind == "quantity" else None
            qualifier = figure.qualifier if figure else ""
            out.append(Scored(cand, hit, {
                "proximity": proximity, "coverage": coverage,
                "unit_fit": 1.0 if not expect or cand.unit in expect or _counts_said(query, cand, text) else 0.0,
                "kind_quantity": float(cand.kind == "quantity"), "kind_quoted": float(cand.kind == "quoted"),
                "kind_enum": float(cand.kind == "enum"), "kind_clause": float(cand.kind in ("clause", "part")),
                "head_after": float(bool(head) and after.startswith(head)),
                "attr_after": float(not quantity and bool(attr) and attr in after[:len(attr) + 4]),
                "attr_local": float(bool(attr) and attr in before),
                "rank": 1.0 / (1.0 + params.rank_decay * (hit.rank - 1)),
                "year_match": float(bool(query.years) and chunk.period_year in query.years),
                "period_known": float(bool(chunk.period_kind)),
                "bound": float(qualifier == "bound"),
                "wants_target": float(query.wants_target),  # goals are mostly bounds (200万亩以上)
                "change": float(qualifier == "change"),
                "change_asked": float(bool(CHANGE_ASKED.search(query.normalized))),
                "average": float(qualifier == "average" and not AVERAGE_ASKED.search(query.normalized)),
                "subgroup": float(bool(figure and figure.subgroup) and not asked_subgroups(query.normalized)),
            }, figure))
    for s in out:
        total, ok = heuristic(s.features, params)
        s.features.update(score=total, log_score=math.log(total + 1e-4), passes=float(ok))
    return out


def _states_unit(query: Query, chunk: Chunk) -> bool:
    """Whether a passage states a figure in a unit the question asks for (any figure when it names none)."""
    return not query.units or any(c.unit in query.units or _counts_said(query, c, chunk.text)
                                  for c in _quantity_candidates(chunk))


def _counts_said(query: Query, cand: Candidate, text: str) -> bool:
    """Whether a count in another measure word than the one asked counts the very thing the question counts: the
    words right after it are those the question counts (113名“90后”干部 for 多少个90后干部: 个 counts people as 名
    does), not merely other words of the question (3500万棒香菇 for 香菇的棚子有多少个)."""
    if cand.unit not in COUNTERS or not query.units <= COUNTERS | PEOPLE:
        return False
    thing = counted(query.normalized) or query.attribute
    after = re.sub(r"[“”\"「」『』*\s]", "", normalize(text[cand.end:cand.end + 12]))
    said = next((after[:n] for n in range(len(after), 1, -1) if after[:n] in thing), "")
    return len(re.findall(r"[\u4e00-\u9fff]", said)) >= 2


def heuristic(f: dict[str, float], params: AnswerParams) -> tuple[float, bool]:
    """The hand-set score (proximity and coverage, times unit fit, kind and rank priors) and whether it passes the
    hand-set checks; used when no fitted model is given."""
    fit = 1.0 if f["unit_fit"] else params.unit_mismatch
    prior = 1.0 * f["kind_quantity"] + 1.0 * f["kind_quoted"] + 0.95 * f["kind_enum"] + 0.8 * f["kind_clause"]
    prior *= 2.0 if f["head_after"] else 1.3 if f["attr_after"] else 1.0
    prior *= params.bound_factor if f.get("bound") and not f.get("wants_target") else 1.0
    prior *= params.change_factor if f.get("change") and not f.get("change_asked") else 1.0
    prior *= params.change_factor if f.get("average") else 1.0
    prior *= params.change_factor if f.get("subgroup") else 1.0
    w = params.proximity_weight
    total = (w * f["proximity"] + (1 - w) * f["coverage"]) * fit * prior * f["rank"]
    # A figure answers only through a record that fits the question (ruralqa.records.fits), which checks what it
    # measures; its passage need hold fewer of the question's words than a name's must.
    least = params.record_coverage if f["kind_quantity"] else params.min_coverage
    return total, f["coverage"] >= least and fit >= 1.0


def _newest(query: Query, first: tuple, scored: list[Scored], params: AnswerParams) -> Answer:
    """No year nor span asked: the record of the same measure as the best one from the newest year the passages looked at
    state it for (粮食总产13.8万吨 of 2010, 粮食总产量稳定在12万吨左右 of 2020 → the latter), as one asking how much a place
    produces means now. The best record vouches for the measure; a newer one need only fit."""
    from ruralqa import records

    best, newest = first[3], None
    for s in scored:
        f = s.figure
        if f is None or not f.year or not best.year or f.year <= (newest or best).year or \
                not records.same_measure(f, best) or not records.fits(query, f, s.hit.chunk, params):
            continue
        newest, hit, cand = f, s.hit, s.cand
    if newest is None:
        return first[2]
    checks = _checks(query, hit.chunk) + ("record",)
    return _answer(cand, hit, confidence=first[2].confidence, checks=checks, figure=newest)


def best_candidate(scored: list[Scored], params: AnswerParams) -> Scored:
    """The candidate with the highest hand-set score (the first of equal ones)."""
    _, first = max((heuristic(s.features, params)[0], -i) for i, s in enumerate(scored))
    return scored[-first]


def extract(query: Query, hits: list[Hit], params: AnswerParams = AnswerParams(), model=None) -> Answer | None:
    """The best-supported span of the top passages, or None when it is not supported well enough: by the fitted
    `model`'s probability that it is right (ruralqa.answer_model.AnswerModel), else by the hand-set checks. A
    figure must also be a record of what was asked (ruralqa.records.fits): a candidate whose record measures
    something else, of another group or year, or is impossible for the metric, gives way to the next one that
    fits; when none does, there is no answer."""
    from ruralqa import records

    query = _words_said(query, hits, params)
    if (division := _division_asked(query)) is not None:
        return _in_address(query, hits, params, *division)
    scored = candidates(query, hits, params)
    if not scored:
        return None
    order = sorted(range(len(scored)), key=lambda i: (-heuristic(scored[i].features, params)[0], i))
    top = None  # the margin is taken from the best candidate that could be an answer (not a fragment's score)
    fitting = []  # (score × how well the record answers, answer) of figures whose records fit
    not_named = None  # the answer when no whole name of the kind asked is found: the first list's sentence, or none
    # a name of a kind asked (哪个村): spans that are none are passed over; otherwise (做什么) the best span decides
    named_kind = query.kind != "quantity" and bool(kind_words(query))
    tries = params.record_tries if query.kind == "quantity" else params.name_tries if named_kind else 1
    tried = 0
    for i in order:
        if tried == tries:
            break
        tried += 1  # spans passed over for not being a whole name of the kind asked are not counted
        best = scored[i]
        total, passes = heuristic(best.features, params)
        confidence = min(1.0, total)
        if model is not None:
            confidence = model.probability(best.features)
            passes = confidence >= model.threshold
        top = total if top is None else top
        if not passes or total < params.record_margin * top:
            break  # the candidates below score lower still
        figure = best.figure
        if figure is None:
            if query.kind == "quantity":
                continue  # a number no record reads (四个放开): what it measures is unknown, so it answers nothing
            if fitting:
                break
            checks = _checks(query, best.hit.chunk)
            slot = _slot(query, best)
            if slot == "subject":  # before the verb, saying what is asked of it: the one asked for
                return _answer(_with_head(query, best), best.hit, confidence=round(confidence, 3), checks=checks,
                               form="name")
            # no whole name: a span beside the verb as the object, a part, the question's own words, one item of a
            # list, or a clause's leftover words (着力, 市、区)
            passed = slot == "object" or best.cand.kind == "part" or \
                _own_words(query, best.cand, best.hit.chunk.text) or _list_item(best.cand, best.hit.chunk.text)
            if not passed and best.cand.kind == "clause":
                passed = not whole_name(query, best)
            elif not passed and not of_kind(query, best):
                # A list or quotation that is not a whole name of the kind asked (理示范村、水乡渔村 for 哪个村; a slogan
                # for 哪家公司): unless a whole name follows, the sentence that says it, as a sentence, never the
                # fragment; with no word for the kind asked (a person, a place), nothing.
                if not_named is None and i == order[0]:
                    not_named = _sentence_answer(best.cand, best.hit, round(confidence, 3), checks) \
                        if kind_word(query) else False
                passed = True
            if passed:  # a whole name below may be; for a name of a kind asked this one uses up no try, sets no margin
                top, tried = (None, tried - 1) if named_kind else (top, tried)
                continue
            return _answer(_with_head(query, best), best.hit, confidence=round(confidence, 3), checks=checks,
                           form="name")
        if not records.fits(query, figure, best.hit.chunk, params):
            continue
        checks = _checks(query, best.hit.chunk) + ("record",)
        fitting.append((total * records.match(query, figure, best.hit.chunk), -i,
                        _answer(best.cand, best.hit, confidence=round(confidence, 3), checks=checks, figure=figure),
                        figure, best.hit.chunk))
    if fitting:
        first = _said_best(query, max(fitting, key=lambda t: t[:2]), fitting)
        return _newest(query, first, scored, params) if not (query.years or records.SPAN_ASKED.search(
            query.normalized)) else first[2]
    if query.kind == "quantity" and query.unknown:
        return _in_everyday_words(query, scored, params)
    return not_named or None


ADDRESS_CONFIDENCE = 0.9  # an address written in full says which division a place lies in; a word of it may be misread


def _division_asked(query: Query) -> tuple[int, str] | None:
    """(the level asked, the place it is asked of) when the question asks which division of a higher level than its
    own a place it names lies in (后江石沽村位于哪个镇: a town, of a village); else None (万荣县哪个镇…: a town in it)."""
    kinds = kind_words(query)
    if not kinds or kinds[-1] not in places.SUFFIXES:
        return None
    asked = places.level(kinds[-1])
    below = [p for p in query.places if (places.level(p) or 0) > asked]
    return (asked, max(below, key=lambda p: places.level(p))) if below else None


def _in_address(query: Query, hits: list[Hit], params: AnswerParams, asked: int, place: str) -> Answer | None:
    """The division of the level asked in an address the passages write in full (宁河区苗庄镇后江石沽村 → 苗庄镇 for
    哪个镇, 宁河区 for 天津的哪个区), within the question's other places; none where no passage writes one."""
    # the other places the question names, by any division a word of it may name (河北: 河北省 or 天津's 河北区)
    others = [named for t in (*query.places, *query.tokens) if t not in place and len(t) >= 2
              for named in [gazetteer.named(t) or gazetteer.find(normalize(t))[:1]] if named]
    for hit in _looked_at(query, hits, params):
        text = hit.chunk.text
        for a, b in (span for found in places.addresses(text, place) for span in found):
            name = text[a:b]
            if places.level(name) != asked:
                continue
            found = gazetteer.find(name)[:1]
            if others and found and not all(any(gazetteer.related(d, found[0]) for d in named) for named in others):
                continue  # 宁河区 for 天津的哪个区, not for 河北的哪个县
            checks = _checks(query, hit.chunk) + ("address",)
            return _answer(Candidate(a, b, "quoted"), hit, confidence=ADDRESS_CONFIDENCE, checks=checks, form="name")
    return None


SAID_LEAD = 0.25  # how much more of the question's words another record of the same measure must say to answer instead


def _said_best(query: Query, first: tuple, fitting: list[tuple]) -> tuple:
    """Of the fitting records of the best one's measure (树龄 of two trees), the one whose metric and sentence say
    the question's words (古檀树…树龄达1200多年, not 蕈树…树龄550年), where it says SAID_LEAD more of them: between
    figures of one measure, what the question names decides, not how near its words stand."""
    from ruralqa import records

    cover = {id(t): records.metric_cover(query, t[3], t[4]) for t in fitting
             if t is first or records.same_measure(t[3], first[3])}
    best = max((t for t in fitting if id(t) in cover), key=lambda t: cover[id(t)])
    return best if cover[id(best)] >= cover[id(first)] + SAID_LEAD else first


def _words_said(query: Query, hits: list[Hit], params: AnswerParams) -> Query:
    """The query with the words that the passages it may be answered from (those about its place and period) say
    whole right before the measure asked (食糖产量, with no figure): they name that measure in full, so a figure's
    metric that shares only a character of them (粮食产量) measures another thing (ruralqa.records)."""
    attr = query.attribute
    if not attr:
        return query
    text = " ".join(normalize(h.chunk.text) for h in _looked_at(query, hits, params))
    measures = [between + f for f in query.forms(attr) for between in ("", "的")]
    said = frozenset(t for t in query.terms if len(t) >= 2 and t != attr and t not in query.unknown
                     and any(t + m in text for m in measures))
    return replace(query, said_whole=said)


def _looked_at(query: Query, hits: list[Hit], params: AnswerParams) -> list[Hit]:
    """The first `top` passages about the place and of the period asked, and the one among them that says the
    question's words best (BM25) wherever it ranks: a table row or list item says them all but its vector, of a
    few words, little (户均宅基地面积（平方米） | 422.18)."""
    fitting = [h for h in hits if _of_place_and_period(query, h.chunk)]
    looked = fitting[:params.top]
    best = max(fitting, key=lambda h: h.bm25_score or 0.0, default=None)
    return looked + [best] if best is not None and best not in looked and best.bm25_score else looked


def _of_place_and_period(query: Query, chunk: Chunk) -> bool:
    """Whether a passage is about the place asked and of the period asked: only such passages' spans may answer."""
    return (not query.places or passage_is_about(query.places, chunk)) and period_fits(query, chunk)


def _in_everyday_words(query: Query, scored: list[Scored], params: AnswerParams) -> Answer | None:
    """The one figure of the top passages that answers a question asked in words the reports never use
    (ruralqa.records.in_everyday_words), when all such records agree on it; else none. Its passage need not hold
    the question's words: they are not the reports'."""
    from ruralqa import records

    found = {}
    for s in scored:
        if s.cand.kind != "quantity" or not s.features["unit_fit"]:
            continue
        figure = s.figure
        if figure is not None and records.why_not(query, figure, s.hit.chunk, params) in ("", "metric") \
                and records.in_everyday_words(query, figure, s.hit.chunk, params):
            found.setdefault((figure.value, figure.unit, figure.qualifier), (s, figure))
    if len(found) != 1:
        return None  # none, or records that disagree: the reports do not say which
    s, figure = next(iter(found.values()))
    checks = _checks(query, s.hit.chunk) + ("record", "everyday")
    return _answer(s.cand, s.hit, confidence=round(min(1.0, s.features["score"]), 3), checks=checks, figure=figure)


_KIND_ASKED = re.compile(r"(?:哪(?![里儿])|什么)(?:[\d一二两三四五六七八九十几]*(?:个|家|种|类|项|位|名|些|批|条))?")
_KIND_TAIL = re.compile(r"[\u4e00-\u9fff]{1,2}(?=[？?。！!\s]*$)")
_NEAR = 10  # characters before a name within which the word for its kind may end
_PHRASE = 16  # …or after it, within which the noun phrase ending in that word must end


def kind_word(query: Query) -> str:
    """The word for the kind of thing a name question asks (哪两个品牌 → 品牌; 区域公用品牌是什么 → 品牌; 谁 → "")."""
    words = kind_words(query)
    return words[0] if words else ""


def kind_words(query: Query) -> tuple[str, ...]:
    """The words of the noun phrase naming the kind asked: for where a thing is, its last word (_located); else
    after the question word up to its verb (哪个莲子品牌成功 → 莲子, 品牌), else the last word before 是/叫 什么."""
    located = _located(query)
    if located:
        return located
    m = _KIND_ASKED.search(query.normalized)
    if not m:
        return ()
    after = query.normalized[m.end():]
    before = query.normalized[:m.start()]
    found = []
    # the longest word there holding a content word (国家级 + 荣誉, not 国家 and a stray 级; not 名字)
    words = query.terms + tuple(t for t in query.tokens if any(w in t for w in query.terms))
    while len(found) < 3:
        t = max((t for t in words if after.startswith(t)), key=len, default=None)
        if t is None or (found and grammar_tag(t)[:1] == "v"):
            break
        found.append(t)
        after = after[len(t):]
    if not found and m.group(0)[:1] == "哪" and len(m.group(0)) > 1 and (tail := _KIND_TAIL.match(after)):
        return (tail.group(0),)  # 哪条河: a kind of one or two characters that jieba joined to the measure word (条河)
    if found:
        # the last word through a word overlapping its end (新风 + 风尚 → 新风尚: search-mode words overlap)
        q, end = query.normalized, len(query.normalized) - len(after)
        start = end - len(found[-1])
        ends = [p + len(t) for t in query.terms for p in [q.find(t, start + 1)] if start < p < end < p + len(t)]
        return (*found[:-1], q[start:max(ends)]) if ends else tuple(found)
    ends = [(before.rfind(t), t) for t in query.terms if t in before[-6:]]
    named = re.search(r"(?:([\u4e00-\u9fff]{2})的?(?:名字|名称)?)?(?:是|为|叫)$", before)
    if named and named.group(1) and not grammar_tag(named.group(1)):  # …实施的计划叫什么: 计划 (a goal word, so no term)
        return (named.group(1),)
    if ends and named:
        return (max(ends)[1],)
    return ()


def _located(query: Query) -> tuple[str, ...]:
    """For where a thing is (两个现代农业产业园在哪里): the thing's last word (产业园), which stands after the names of
    places it is in (镇原、崆峒2个现代农业产业园); () for other questions."""
    where = _WHERE.search(query.normalized)
    if not where:
        return ()
    before = query.normalized[:where.start()]
    words = [t for t in query.tokens if len(t) >= 2 and before.endswith(t) and grammar_tag(t)[:1] != "v"]
    return (min(words, key=len),) if words else ()


_WHERE = re.compile(r"(?:在|位于|于|落户|建在)(?:" + WHERE.pattern + r"|哪(?![\u4e00-\u9fff\d]))")


def of_kind(query: Query, s: Scored) -> bool:
    """Whether a list or quotation is a name of the kind asked: the word for that kind stands beside it
    (“赣莲”品牌, 洪山菜薹、仙桃黄鳝2个品牌, 前楼镇下西坑村), or the question names no kind. A slogan or list that
    stands apart from the kind asked (“电商+产业” for 哪家公司, 分盘、上土 for 谁) is not the answer."""
    kinds = kind_words(query)
    if not kinds:
        return not words_asked(query.normalized) & {"who", "where"}
    text, c = s.hit.chunk.text, s.cand
    if _one_asked_of_many(query, text[c.start:c.end]):
        return False
    if normalize(text[c.start:c.end]).rstrip("”\"*").endswith(kinds[-1][-1]):
        return True  # 前楼镇下西坑村 for 哪个村
    after = _BESIDE.sub("", normalize(text[c.end:c.end + _NEAR]))
    before = re.sub(r"[“\"*：:是为|\s]+$", "", normalize(text[max(0, c.start - _NEAR):c.start]))
    if any(before.endswith(k) or _kind_at(query, k, after[:_said_before(query, after, k) + len(k)]) for k in kinds):
        return True
    # the noun phrase right after it ends in the kind asked (“文华斋”的书画艺术研学中心, “无想院子”10种…盘活模式), not
    # only holds it (“一带一路”地理标志品牌推广清单 names a list, not a 品牌)
    phrase = re.split(r"[，,。；;：:！？、\s(（]", _BESIDE.sub("", normalize(text[c.end:c.end + _PHRASE])))[0]
    return phrase.endswith(kinds[-1]) and len(phrase) > len(kinds[-1])


ONE_ASKED = re.compile(r"哪(?:一)?(?:个|家|座|所|条)(?![\u4e00-\u9fff]{0,6}(?:和|与|及|、))")  # not 哪两个, 哪些, 哪个县和…


SLOT_SAID = 0.8  # the share of the question's words after the kind asked that a clause must say of a name before them


def _slot(query: Query, s: Scored) -> str:
    """Where a span stands to the verb the question puts right after the kind asked (哪个村被评为…, 哪个农产品获评…):
    "subject" right before it, its clause saying what the question says of the one asked (麻山药获评2021年中国农产品
    区域公用品牌: the one asked for; not “清苑西瓜”被评为省级区域公用品牌 for …被评为…亿元村), "object" right after a verb
    (被评为“中国最美乡村”: the honour, not the one honoured), else ""."""
    m = _KIND_ASKED.search(query.normalized)
    if not m or query.kind == "quantity":
        return ""
    # what follows the question word, less none, one, or more of the kind's words (jieba tags no noun, and not every
    # verb: 获评)
    rests, rest = [], query.normalized[m.end():]
    for k in ("", *kind_words(query)):
        if not rest.startswith(k):
            break
        rest = rest[len(k):]
        rests.append(re.sub(r"[？?。！!\s]", "", rest))
    text, c = s.hit.chunk.text, s.cand
    said = normalize(text[c.end:_clause_bounds(text, c.start, c.end)[1]]).lstrip("”」』\"*")
    before = re.sub(r"[“「『\"*\s]+$", "", normalize(text[max(0, c.start - 6):c.start]))
    for rest in rests:
        verb = rest[:2]
        if not re.fullmatch(r"[\u4e00-\u9fff]{2}", verb) or verb[0] in "的是在":
            continue
        if said.startswith(verb) and sum(ch in said for ch in rest) >= SLOT_SAID * len(rest):
            return "subject"
        if grammar_tag(verb)[:1] == "v" and before.endswith((verb, verb + "为")):
            return "object"
    return ""


def _one_asked_of_many(query: Query, span: str) -> bool:
    """One name is asked (哪个村) and the span runs across a list (村卫生厕所普及率、生活垃圾分类行政|村覆盖率): none of
    its items is that name whole."""
    return bool(ONE_ASKED.search(query.normalized) and re.search(r"[、，,；;]", span))


def _said_before(query: Query, after: str, kind: str) -> int:
    """How many characters before `kind` in `after` the question itself says (区域公用 of “大同好粮”区域公用品牌 for
    区域公用品牌是什么), which may stand between a name and its kind; other words there (“一带一路”地理标志品牌推广
    清单) make the name something else's."""
    at = after.find(kind)
    return at if at > 0 and all(ch in query.normalized for ch in after[:at]) else 0


def _kind_at(query: Query, kind: str, after: str) -> bool:
    """Whether `after` holds the word for the kind asked as that word, not as the start of a longer word of the
    question (“绿色生产—循环利用—低碳加工”全产业链 for 哪种优势产业打造…产业链: 产业链 is not 产业)."""
    at = after.find(kind)
    return at >= 0 and not any(len(t) > len(kind) and t.startswith(kind) and after.startswith(t, at)
                               for t in query.tokens)


def _distinct_parts(items: list[str]) -> list[str]:
    """What tells the items of a list apart: the first item's words before its neighbours' length and the last
    item's words after it are shared by all (农产品加工销售收入、产值 → 收入, 产值; 苹果、食用菌、中药材产量 → 苹果,
    食用菌, 中药材)."""
    if len(items) < 2:
        return items
    width = max([len(x) for x in items[1:-1]] or [min(len(items[0]), len(items[-1]))])
    return [items[0][-width:], *items[1:-1], items[-1][:width]]


def _own_words(query: Query, cand: Candidate, text: str) -> bool:
    """Whether a span is (in) a list that repeats the question's words (省级乡村治理示范村、水乡渔村、金牌旅游村 for
    哪个村从…变成了省级乡村治理示范村): what the question says of the answer, not the answer."""
    left = max([m.end() for m in _LIST_END.finditer(text, 0, cand.start)], default=0)
    right = next((m.start() for m in _LIST_END.finditer(text, cand.end)), len(text))
    items = [x.strip("*”“\"") for x in normalize(text[left:right]).split("、")]
    return len(items) > 1 and any(len(x) >= 3 and x in query.normalized for x in _distinct_parts(items))


def _list_item(cand: Candidate, text: str) -> bool:
    """Whether a quotation is one item of a list of quotations (“宁夏大米”、“宁夏小麦”两个品种): the list answers."""
    return cand.kind == "quoted" and "、" in (text[cand.end + 1:cand.end + 2], text[cand.start - 2:cand.start - 1])


PERSONAL_NAME = (2, 4)  # characters of a Chinese personal name, surname included


def _named_after_title(query: Query, text: str, c: Candidate) -> bool:
    """A person asked (…的革命先烈是谁): the clause is the title the question says, whole and with nothing else before
    it (革命先烈冯龙, 地下工作者郭景福; not 村党支部副书记杜文静 for 村党支部书记是谁), then a name that ends the clause."""
    left, right = _clause_bounds(text, c.start, c.end)
    title = normalize(text[left:c.start]).strip(" -*•·\t\n")
    name = text[c.start:c.end]
    return (len(title) >= 2 and title in query.normalized and PERSONAL_NAME[0] <= len(name) <= PERSONAL_NAME[1]
            and all(map(is_han, name)) and not text[c.end:right].strip(" *”\"。；;"))


_LIST_END = re.compile(r"[，,。；;：:！？\n]")
_BESIDE = re.compile(r"^[”」』\"*]*(?:等)?(?:[\d一二两三四五六七八九十]+(?:个|家|种|类|项|位|名|批|条))?")


def _with_head(query: Query, s: Scored) -> Candidate:
    """A clause's name with the noun asked that follows it (前楼镇下西坑 + 村 for 哪个村)."""
    head = _name_head(query)
    text, c = s.hit.chunk.text, s.cand
    if c.kind == "clause" and head and not text[c.start:c.end].endswith(head) and text.startswith(head, c.end):
        return replace(c, end=c.end + len(head))
    return c


def _name_head(query: Query) -> str:
    """The noun a name of the kind asked ends in (哪个村从… → 村; 什么管理 → 管理)."""
    kinds = kind_words(query)
    return kinds[-1] if kinds else query.head


def whole_name(query: Query, s: Scored) -> bool:
    """Whether a clause's leftover words stand as a whole name of the kind asked: right after the kind of thing
    asked for, ending in the noun asked for (哪个村 → 下西坑村), or, when none is asked, a run of at least four
    characters that fills its clause (what is left of a clause elsewhere is a fragment, not a name: 着力, 市、区);
    for a person asked (谁), a personal name right after the title the question says (革命先烈冯龙)."""
    text, c = s.hit.chunk.text, s.cand
    if WHERE.search(query.normalized) and _only_places(text[c.start:c.end]):
        return True  # 在福建哪里挂牌 → 宁德古田: where is asked, and the words left are names of places
    if "who" in words_asked(query.normalized):
        return _named_after_title(query, text, c)
    head = _name_head(query)
    # the name right after the words for the kind of thing asked (哪家社会力量 → 社会力量中航环卫), not after a word the
    # question says after them (插秧 of 哪个镇驾驶插秧机)
    asked = _KIND_ASKED.search(query.normalized)
    after = query.normalized[asked.end():] if asked else ""
    if any(normalize(text[max(0, c.start - 8):c.start]).endswith(t) for t in kind_words(query) if len(t) >= 2
           and t in after):
        return True  # (not after the thing named before 叫什么: 研学中心 of …研学中心叫什么名字)
    if head:
        if _one_asked_of_many(query, text[c.start:c.end]):
            return False
        return _kind_at(query, head, text[c.end:c.end + len(head) + 4]) and text.startswith(head, c.end) \
            or text[c.start:c.end].endswith(head[-1])
    left, right = _clause_bounds(text, c.start, c.end)
    return c.end - c.start >= 4 and c.start - left <= 2 and right - c.end <= 1


def _only_places(span: str) -> bool:
    """Whether a span is names of divisions and nothing else (宁德古田: 宁德市, 古田县), by the gazetteer."""
    covered = 0
    for i, d in gazetteer.mentions(span):
        covered += len(gazetteer.written(span, i, d))
    return len(span) >= 2 and covered == len(span)


def period_fits(query: Query, chunk) -> bool:
    if query.kind == "quantity" and chunk.table_row:
        return True  # a table row under its header: each cell's column gives its year and kind, its record decides
    if query.years and chunk.period_year and chunk.period_year not in query.years and not (
            query.kind == "quantity" and any(str(y) in chunk.text for y in query.years)
            and any(f.year in query.years for f in figures_of(chunk))):
        return False  # unless a sentence names the year asked itself (到2025年 in a 2021 plan): its record decides
    report = chunk.citation.year
    if query.years and not chunk.period_year and report and all(y > report for y in query.years) and \
            not any(str(y) in chunk.text for y in query.years):
        return False  # a passage of no known year in a report of 2013 says nothing of 2023 unless it names it
    if query.wants_target:
        # a goal asked: not a passage of results, unless it names a goal itself (| 早稻计划种植面积 | 逾14万亩 | in
        # a table of results); its figure's own kind then decides (ruralqa.records)
        return chunk.period_kind != "achieved" or bool(TARGET_WORDS.search(chunk.text))
    return chunk.period_kind != "target"


def _checks(query: Query, chunk) -> tuple[str, ...]:
    passed = ["coverage"]
    if query.places:
        passed.append("place")
    if query.years and chunk.period_year in query.years:
        passed.append("year")
    if chunk.period_kind:
        passed.append("kind")
    if query.units:
        passed.append("unit")
    return tuple(passed)


def _sentence_answer(cand: Candidate, hit: Hit, confidence: float, checks: tuple[str, ...]) -> Answer:
    text = hit.chunk.text
    a, b = _sentence_bounds(text, cand.start)
    a += len(text[a:b]) - len(text[a:b].lstrip())
    b = a + len(text[a:b].strip())
    return replace(_answer(replace(cand, start=a, end=b), hit, confidence, checks), form="sentence")


def _answer(cand: Candidate, hit: Hit, confidence: float, checks: tuple[str, ...], figure=None,
            form: str = "") -> Answer:
    chunk, text = hit.chunk, hit.chunk.text
    if figure is not None:  # the figure as its record reads it: 10亿斤以上, not 10亿斤
        base = chunk.citation.char_start
        cand = replace(cand, start=figure.char_start - base, end=figure.char_end - base)
    base = chunk.citation.char_start
    se_a, se_b = _sentence_bounds(text, cand.start)
    sentence = text[se_a:se_b].strip()
    se_a = text.index(sentence, se_a)
    span_cit = replace(chunk.citation, char_start=base + cand.start, char_end=base + cand.end)
    sent_cit = replace(chunk.citation, char_start=base + se_a, char_end=base + se_a + len(sentence))
    value = unit = None
    if cand.kind == "quantity" and cand.value is not None:
        value, unit = cand.value, cand.unit
    return Answer(text=text[cand.start:cand.end], sentence=sentence, citation=span_cit,
                  sentence_citation=sent_cit, confidence=confidence, value=value, unit=unit,
                  place=chunk.citation.region, year=figure.year if figure else chunk.period_year,
                  kind=(figure.kind if figure else chunk.period_kind), checks=checks,
                  shown=figure.shown if figure else text[cand.start:cand.end],
                  qualifier=figure.qualifier if figure else "", metric=figure.metric if figure else "",
                  form=form or ("figure" if cand.kind == "quantity" else "name"))
