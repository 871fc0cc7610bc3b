"""Question words and stop words: the one list of the words that ask rather than say, and what each tells.

Every other module asks here: the tokenizer drops `STOPWORDS`, the query parser reads the question's kind and the
kind of quantity it expects, and place detection uses `is_function_word` to tell 推动乡村 from 王显乡.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

from ruralqa.text.normalize import NUMERAL_RUN, arabic_numeral

# Not worth a BM25 token: particles, prepositions and the question words themselves.
STOPWORDS = frozenset("""的 了 和 与 及 等 是 在 为 对 把 被 将 从 以 于 也 都 而 并 其 之 这 那 有 个 中 上 下 到 由 让 使 就 又
    多少 什么 哪些 哪个 哪里 哪 几 几个 如何 怎么 怎样 是否 吗 呢 啊 请问 请 一下 有没有 是不是 多大 多高 多长 情况 方面""".split())

# The words that ask, and what each asks for: a quantity, a name (`head`: the noun after it names the answer's kind,
# 什么管理 → 管理; `where` and `who`: a place, a person), or yes or no; and words that say what is asked without
# asking (比例 a quantity, 名称 a name).
QUESTION_WORDS = {"多少": "quantity", "几": "quantity", "多大": "quantity", "多高": "quantity", "多长": "quantity",
                  "多远": "quantity", "多重": "quantity", "多久": "quantity",
                  "什么": "head", "哪种": "head", "哪个": "head", "哪家": "head", "哪类": "head",
                  "哪些": "name", "哪": "name", "何种": "name", "谁": "who",
                  "哪里": "where", "哪儿": "where", "何处": "where", "何地": "where", "什么地方": "where", "在哪": "where",
                  "是否": "yesno", "有没有": "yesno", "是不是": "yesno", "能否": "yesno", "吗": "yesno"}
KIND_WORDS = {"比例": "quantity", "比重": "quantity", "占比": "quantity", "百分之": "quantity", "增长率": "quantity",
              "增速": "quantity", "增幅": "quantity", "幅度": "quantity", "名称": "name", "叫": "name"}


def _any_of(words) -> re.Pattern:
    return re.compile("|".join(sorted(words, key=len, reverse=True)))  # 哪个 before 哪


_KIND_SAID = _any_of({**QUESTION_WORDS, **KIND_WORDS})
# The word that asks: the content word just before it is the attribute asked about (香菇产值是多少 → 产值).
ASKED = _any_of(w for w, kind in QUESTION_WORDS.items() if kind != "yesno")
# After 什么/哪种…, the noun that names the kind of thing the answer is (什么管理 → 管理).
ASKED_HEAD = _any_of(w for w, kind in QUESTION_WORDS.items() if kind == "head")
WHERE = _any_of(w for w, kind in QUESTION_WORDS.items() if kind == "where")  # a place asked
# Removed from a question before its content words are taken: question words, particles, 称号/名称-type fillers.
FILLER = _any_of([*QUESTION_WORDS, "呢", "请问", "称号", "名称", "名字", "叫做", "叫", "内容", "指的是", "指", "的", "了",
                  "是", "有", "为", "共", "一共", "总共", "？", r"\?"])
# Characters no place name contains: a 县/区/市-ending run with one of these is part of a question (有多少个区).
QUESTION_CHARS = re.compile(r"多少|什么|哪|几|是否|怎|如何|有|共|和|与|的|在")


def asked(normalized: str) -> set[str]:
    """What the question words of a normalized question ask for (QUESTION_WORDS, KIND_WORDS)."""
    return {KIND_WORDS.get(w) or QUESTION_WORDS[w] for w in _KIND_SAID.findall(normalized)}


def question_kind(normalized: str) -> str:
    """quantity, name, yesno or other, from the question words of a normalized question (a quantity asked anywhere
    makes it one: 哪个县的产值是多少)."""
    said = asked(normalized)
    if "quantity" in said:
        return "quantity"
    if said & {"name", "head", "where", "who"}:
        return "name"
    return "yesno" if "yesno" in said else "other"


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """jieba's part-of-speech tags of dictionary words (index time only: it loads the full dictionary)."""
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.posseg.dt.tokenizer.check_initialized()
    return jieba.posseg.dt.word_tag_tab


def is_function_word(word: str, tags: str = "vpdcrau") -> bool:
    """True for verbs, prepositions, adverbs and the like according to jieba's tagged dictionary."""
    tag = word_tags().get(word, "")
    return bool(tag) and tag[0] in tags


GRAMMAR_FILE = Path(__file__).parent.parent / "data" / "grammar_words.tsv"


def grammar_words_from_jieba() -> list[tuple[str, str]]:
    """(word, tag) of jieba's dictionary words that carry grammar more than content: adverbs, prepositions,
    conjunctions, pronouns, particles, one-character verbs, and common two-character verbs. Written to
    GRAMMAR_FILE (`python -m ruralqa.text.words`) so that asking a question never loads the whole tagged dictionary."""
    import jieba

    out = []
    with open(Path(jieba.__file__).with_name("dict.txt"), encoding="utf-8") as f:
        for line in f:
            word, freq, tag = line.split()
            if tag[0] in "dpcruy" or (tag[0] == "v" and (len(word) == 1 or (len(word) == 2 and int(freq) >= 100))):
                out.append((word, tag))
    return out


@lru_cache(maxsize=1)
def _grammar_tags() -> dict[str, str]:
    with open(GRAMMAR_FILE, encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("\t") for line in f if "\t" in line)


def grammar_tag(word: str) -> str:
    """jieba's tag of a grammar word or common verb (see grammar_words_from_jieba), "" for any other word."""
    return _grammar_tags().get(word, "")


CHANGE_UNITS = frozenset({"%", "倍"})  # a change asked (增长多少) is said in per cent, or as a multiple (增长3倍)

# What kind of quantity a question asks for, by the words it uses; the first match wins.
EXPECTED_UNITS = [
    (re.compile(r"多少(?:个)?(?:村|行政村)(?![\u4e00-\u9fff])|几个(?:村|行政村)"), frozenset({"个"})),  # not 村干部
    (re.compile(r"多少人|几人|人数|多少名|多少户|几户|户数"), frozenset({"人", "名", "户", "人次"})),
    (re.compile(r"收入比|之比|比值|倍差"), frozenset({"比"})),  # a ratio (1.47:1): no quantity ruralqa reads is one
    (re.compile(r"率|比例|比重|占比|百分之|百分比|满意度"), frozenset({"%"})),
    (re.compile(r"(?:增长|涨|递增).{0,4}多少|增长了?几|增长$|增幅|增速|涨幅"), CHANGE_UNITS),
    (re.compile(r"产值|收入|投入|资金|金额|贷款|销售额|多少钱|营收|元"), frozenset({"元"})),
    (re.compile(r"面积|多少亩|几亩"), frozenset({"亩"})),
    (re.compile(r"产量|亩产|单产|多少吨"), frozenset({"吨"})),  # 亩产: 斤 per 亩, in the 吨 family
    (re.compile(r"多长|多远|长度|里程"), frozenset({"公里", "千米", "米", "万公里"})),  # a length
]
# 提高多少 asks a change, said in per cent or in the measure's own unit (工资性收入提高20％以上)
MOVE_ASKED = re.compile(r"(?:提高|提升|增加)了?(?:多少|几)")

# A question about goals rather than results.
TARGET_WORDS = re.compile(r"目标|预期|计划|力争|规划|打算|要求达到")

# Everyday words for the reports' terms, rewritten in a question before its words are matched (not in what is shown).
EVERYDAY = (("农民人均", "农村居民人均"), ("农民收入", "农村居民收入"), ("农民的收入", "农村居民收入"),
            ("城里人", "城镇居民"), ("近几年", "近年"), ("这几年", "近年"))


def reworded(text: str) -> str:
    """`text` with EVERYDAY's words as the reports say them; a report in those words (农民人均纯收入, the measure's
    name until 2013) is read the same way, so that it still says what the question says."""
    for everyday, report_word in EVERYDAY:
        text = text.replace(everyday, report_word)
    return text

# Shorter forms reports use for a question's word (粮食总产762亿斤 states the 产量): a passage with the form counts.
# 城乡居民…分别 speaks of 城镇 and 农村 居民 at once (村居 is jieba's piece of 农村居民).
VARIANTS = {"产量": ("总产",), "总产量": ("总产",), "增速": ("增长",), "增幅": ("增长",), "农村": ("城乡",),
            "村居": ("乡居",)}


def forms(term: str) -> tuple[str, ...]:
    """A question word and the forms a report may use for it: its VARIANTS, for a place word with the locative 里 (村里,
    家里, 城里) the place itself (村 of 驻村书记, 进村快件), and for a numeral its digits (五十万 → 50万)."""
    place = (term[0],) if len(term) == 2 and term[1] == "里" and term[0] not in "这那哪公千万" else ()
    return (term, *VARIANTS.get(term, ()), *place, *_in_digits(term))


def _in_digits(term: str) -> tuple[str, ...]:
    """A numeral of the question (or in it: 过百万) as reports write it in digits (五十万 → 50万, 两千 → 2000)."""
    run = NUMERAL_RUN.search(term)  # the word ends with it: 过百万, not 千万工程
    digits = arabic_numeral(run.group(2)) if run and len(run.group(2)) >= 2 and run.end() == len(term) else None
    return (digits,) if digits else ()


def shortened(term: str, text: str) -> bool:
    """Whether `text` holds the long form of a two-character word shortened by one character, as Chinese shortens
    words (劳力 of 劳动力): for a word no report uses, the only way a passage can say it."""
    return len(term) == 2 and re.search(re.escape(term[0]) + r"[\u4e00-\u9fff]" + re.escape(term[1]), text) is not None


if __name__ == "__main__":
    GRAMMAR_FILE.write_text("".join(f"{w}\t{t}\n" for w, t in grammar_words_from_jieba()), encoding="utf-8")
