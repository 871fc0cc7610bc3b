import pytest

from ruralqa.text.normalize import normalize, parse_quantity, to_halfwidth, to_simplified


@pytest.mark.parametrize("chinese, arabic", [
    ("三亿元", "3亿元"),
    ("五千五百座", "5500座"),
    ("二十万吨", "20万吨"),
    ("一千二百元", "1200元"),
    ("一万两千人", "12000人"),
    ("三点五万余人", "3.5万余人"),
    ("百分之九十五", "95%"),
    ("十九名", "19名"),
    ("一亿五千万元", "1.5亿元"),  # not 100005000万元
])
def test_chinese_quantities_meet_arabic_ones(chinese, arabic):
    assert normalize(chinese) == normalize(arabic) == arabic


@pytest.mark.parametrize("text", ["张三", "零售", "一村一品", "五治并举", "三大革命", "一张蓝图", "三五成群",
                                  "四方来财", "五管齐下"])
def test_words_that_are_not_quantities_stay_as_written(text):
    assert normalize(text) == text


@pytest.mark.parametrize("trad, simp", [("萬榮縣香菇產值", "万荣县香菇产值"), ("雲岡區", "云冈区"),
                                        ("鄉村振興", "乡村振兴")])
def test_traditional_to_simplified(trad, simp):
    assert to_simplified(trad) == simp


def test_a_numeral_after_digits_multiplies_them():
    assert normalize("产值超4千亿元、3千亩") == "产值超4千亿元、3千亩"  # not 41000亿元, 31000亩


def test_fullwidth_to_halfwidth():
    assert to_halfwidth("８２９８．１２万元，ＡＢ") == "8298.12万元,AB"


@pytest.mark.parametrize("span, value, unit", [
    ("3亿元", 300000000, "元"), ("三亿元", 300000000, "元"), ("8298.12万元", 82981200, "元"),
    ("3.5万余人", 35000, "人"), ("95%", 95, "%"), ("五千五百座", 5500, "座"), ("62万亩以上", 620000, "亩"),
    ("3千亩", 3000, "亩"), ("超4千亿元", 400000000000, "元"),  # 千 multiplies the digits before it (was 31000亩)
])
def test_parse_quantity(span, value, unit):
    assert parse_quantity(span) == (value, unit)


@pytest.mark.parametrize("value, unit, converted", [
    (25920000000, "斤", (12960000, "吨")), (15, "公顷", (225, "亩")), (300000000, "元", (300000000, "元")),
    (620000, "亩", (620000, "亩")), (299000000, "美元", (299000000, "美元")),  # another currency, not 元
])
def test_quantities_convert_to_their_family_unit(value, unit, converted):
    from ruralqa.text.normalize import to_family

    assert to_family(value, unit) == converted


def test_simplified_text_is_kept_without_converting_and_the_exceptions_are_zhconvs():
    import zhconv

    from ruralqa.text.normalize import GB2312_CONVERTED, to_simplified

    gb2312 = [bytes([hi, lo]).decode("gb2312", "ignore") for hi in range(0xB0, 0xF8) for lo in range(0xA1, 0xFF)]
    assert GB2312_CONVERTED == {c for c in gb2312 if c and zhconv.convert(c, "zh-hans") != c}
    assert to_simplified("鹽湖區農村居民") == "盐湖区农村居民" and to_simplified("之後") == "之后"
    assert to_simplified("万荣县香菇产值3亿元") == "万荣县香菇产值3亿元"
