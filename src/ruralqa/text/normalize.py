"""Chinese text normalization for matching: traditional → simplified, full-width → half-width, and Chinese
numerals → Arabic where they count something (三亿元 → 3亿元, 五千五百座 → 5500座), never in names or idioms
(张三, 零售, 一村一品, 五治并举 stay as written). Questions and indexed text go through the same function.
Citations always point at the original text; normalized text is only ever compared, never shown.
"""

from __future__ import annotations

import re
from functools import lru_cache

def is_han(ch: str) -> bool:
    """Whether a character is a Chinese character of the basic CJK block, the one reports are written in."""
    return "\u4e00" <= ch <= "\u9fff"


DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SMALL = {"十": 10, "百": 100, "千": 1000}
LARGE = {"万": 10_000, "亿": 100_000_000}
MULTIPLIERS = {"万亿": 10**12, "亿": 10**8, "万": 10**4, "千": 10**3, "百": 10**2}
# Measure words and units after which a numeral is a quantity. Longest first so 平方米 wins over 米.
UNITS = sorted("""元 万元 亿元 美元 座 个 人 人次 户 亩 万亩 吨 万吨 家 名 支 件 辆 头只 头 只 棒 万棒 项 次 倍 斤 公斤 千克 米 厘米 毫米 公里 平方米
    平方公里 公顷 峰 眼 所 条 份 批 类 种 期 届 套 张 台 栋 间 处 株 棵 箱 年 周年 天 月 小时 岁 元/人 %""".split(), key=len, reverse=True)
NUMERAL_RUN = re.compile(
    r"(百分之)?([零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+[万亿]*)?)([余多]?)"
)
_UNIT_AT = re.compile("|".join(re.escape(u) for u in UNITS))
_UNIT_ALT = "|".join(re.escape(u) for u in UNITS)
# One or two digits alone before a space begin a number whose digits a PDF's text spaced apart (森林覆盖率达到 4 3 %,
# 收入达到 74 76 元): no figure begins after them.
SPACED_DIGITS = r"(?<!(?<![\d.])\d[ \u00a0])(?<!(?<![\d.])\d\d[ \u00a0])"
QUANTITY = re.compile(  # a space may stand between a number and its unit (户籍人口 1403 人)
    r"(?<![\d.])" + SPACED_DIGITS + r"(\d+(?:,\d{3})*(?:\.\d+)?)(?:[ \u00a0](?=万亿|亿|万|千|百|余|多|" + _UNIT_ALT + r"))?"
    r"(?:[余多](?=万亿|亿|万|千|百))?(万亿|亿|万|千|百)?(余|多)?(" + _UNIT_ALT + r")?(以上|以下|左右)?"
)


@lru_cache(maxsize=1)
def _zhconv():
    import zhconv

    return zhconv


# The GB2312 characters zhconv's zh-hans table changes (traditional or variant forms GB2312 also has: 後, 於);
# tests/test_normalize.py derives them from zhconv again.
GB2312_CONVERTED = frozenset("乾谘菸薹拚捱摺吒後徵夥馀渖甯榘於钜镟锺麴醣醯麽")


def to_simplified(text: str) -> str:
    """zh-hans converts characters only; zh-cn would also swap regional vocabulary. Text that GB2312, a character set
    of simplified characters, encodes, without one of those it converts, is simplified already: it is returned as
    it is, without loading zhconv's table (a twentieth of a second of a fresh `ruralqa ask`)."""
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return _zhconv().convert(text, "zh-hans")
    return _zhconv().convert(text, "zh-hans") if GB2312_CONVERTED.intersection(text) else text


# Full-width digits, per cent sign and decimal point (５．８％), one character for one: a passage read this way for
# its figures keeps every offset, so a figure's citation still points at the characters as written.
_FIGURE_WIDTH = str.maketrans("０１２３４５６７８９％．", "0123456789%.")


def fold_figures(text: str) -> str:
    return text.translate(_FIGURE_WIDTH)


def to_halfwidth(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        elif code == 0x3000:
            ch = " "
        out.append(ch)
    return "".join(out)


def parse_chinese_number(s: str) -> float | None:
    """三亿 → 300000000, 五千五百 → 5500, 三点五万 → 35000, 二十 → 20; None if not a numeral."""
    if not s:
        return None
    if "点" in s:
        whole, _, frac = s.partition("点")
        tail = ""
        while frac and frac[-1] in LARGE:
            tail = frac[-1] + tail
            frac = frac[:-1]
        head = parse_chinese_number(whole) if whole else 0
        if head is None or not frac or any(c not in DIGITS for c in frac):
            return None
        value = head + float("0." + "".join(str(DIGITS[c]) for c in frac))
        for c in tail:
            value *= LARGE[c]
        return value
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in DIGITS:
            if digit is not None and digit != 0 and ch != "零":
                return None  # 三五 (a range or a name), not a single number
            digit = DIGITS[ch]
        elif ch in SMALL:
            section += (1 if digit is None else digit) * SMALL[ch]
            digit = None
        elif ch in LARGE:
            section += digit or 0
            if ch == "亿":
                total = (total + section) * LARGE[ch]
            else:
                total += section * LARGE[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6f}".rstrip("0").rstrip(".")


def _arabic_run(m: re.Match, text: str) -> str:
    percent, run, approx = m.group(1), m.group(2), m.group(3)
    if not any(c in DIGITS for c in run) and (not any(c in SMALL for c in run) or text[m.start() - 1:m.start()].isdigit()):
        return m.group(0)  # 万, 亿 or 千亿 after Arabic digits (3亿元, 4千亿元) multiply them: in normal form already
    after = text[m.end():]
    unit = _UNIT_AT.match(after)
    if percent:
        value = parse_chinese_number(run)
        return m.group(0) if value is None else _fmt(value) + approx + "%"
    if run == "一" or (run in ("两", "二") and not unit) or (not unit and run[-1] not in "万亿"):
        return m.group(0)  # 一村一品, 张三, 五治并举: not quantities
    if not unit and not approx:
        return m.group(0)
    digits = arabic_numeral(run)
    return m.group(0) if digits is None else digits + approx


def arabic_numeral(run: str) -> str | None:
    """A run of Chinese numerals as reports write it in digits, a trailing 万/亿 kept as written: 三亿 → 3亿, 五十万 →
    50万, 三点五万 → 3.5万, 两千 → 2000, 两万五千 → 25000; a run ending in 万 or 亿 that holds one before its end, in
    its largest unit (一亿五千万 → 1.5亿, not 100005000万). None if it is not a numeral."""
    core, mult = run, ""
    while core and core[-1] in "万亿" and len(core) > 1:
        mult = core[-1] + mult
        core = core[:-1]
    if mult and any(c in "万亿" for c in core):
        value = parse_chinese_number(run)
        if value is None:
            return None
        size, unit = next(((n, u) for n, u in ((1e8, "亿"), (1e4, "万")) if value >= n), (1, ""))
        return _fmt(value / size) + unit
    value = parse_chinese_number(core)
    return None if value is None else _fmt(value) + mult


def numerals_to_arabic(text: str) -> str:
    return NUMERAL_RUN.sub(lambda m: _arabic_run(m, text), text)


def normalize(text: str) -> str:
    """The form questions and passages are compared in."""
    return numerals_to_arabic(to_halfwidth(to_simplified(text)))


def parse_quantity(span: str) -> tuple[float, str] | None:
    """'3亿元' → (300000000, '元'); '3.5万余人' → (35000, '人'); '95%' → (95, '%'). None if no number."""
    m = QUANTITY.search(normalize(span))
    if not m:
        return None
    value = float(m.group(1).replace(",", ""))
    if m.group(2):
        value *= MULTIPLIERS[m.group(2)]
    unit = m.group(4) or ""
    for prefix, factor in (("亿", 10**8), ("万", 10**4)):
        if unit.startswith(prefix) and len(unit) > 1:
            value *= factor
            unit = unit[1:]
    value = round(value, 6)
    value = int(value) if value.is_integer() else value
    return value, unit


# Units that measure the same thing as another, and how many of that one each is worth.
_CONVERT = {"斤": ("吨", 0.0005), "公斤": ("吨", 0.001), "千克": ("吨", 0.001), "公顷": ("亩", 15),
            "平方公里": ("亩", 1500), "平方米": ("亩", 0.0015), "㎡": ("亩", 0.0015), "km": ("公里", 1)}


def unit_family(unit: str) -> str:
    """The unit a quantity is compared in: 万元 and 亿元 are 元; 万亩 and 公顷 are 亩; 斤 and 万吨 are 吨."""
    if unit.endswith("美元"):
        return "美元"  # another currency: never compared with 元
    if unit.endswith("元"):
        return "元"
    if unit in ("万亩", "万吨"):
        return unit[1:]
    return _CONVERT.get(unit, (unit, 1))[0]


def to_family(value: float, unit: str) -> tuple[float, str]:
    """A parsed quantity in its family's unit: (25920000000, 斤) → (12960000, 吨); (15, 公顷) → (225, 亩)."""
    family, factor = _CONVERT.get(unit, (unit_family(unit), 1))
    value = round(value * factor, 6)
    return (int(value) if float(value).is_integer() else value), family
