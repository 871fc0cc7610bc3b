"""Writes questions.jsonl: a development set over ../shared/realworld/, written by reading the reports.

Each question names where its answer stands (`evidence`, a string of the report, and `source`, the file); the
`check` step below verifies every evidence string against the report's text, so a typo cannot make a question
unanswerable by accident. Questions with no answers are ones the reports do not answer: for each, the words it asks
about were searched for in its place's reports by hand. Ids ending in an even digit form the fit half, odd the
test half (`split` field).

    python eval/realworld/make_questions.py   # writes eval/realworld/provincial.jsonl and county.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REALWORLD = ROOT.parent / "shared" / "realworld"

P = {"anhui": "安徽", "beijing": "北京", "chongqing": "重庆", "fujian": "福建", "gansu": "甘肃", "guangdong": "广东",
     "guangxi": "广西", "guizhou": "贵州", "hainan": "海南", "hebei": "河北", "heilongjiang": "黑龙江", "henan": "河南",
     "hubei": "湖北", "hunan": "湖南", "jiangsu": "江苏", "jiangxi": "江西", "jilin": "吉林", "liaoning": "辽宁",
     "neimenggu": "内蒙古", "ningxia": "宁夏", "qinghai": "青海", "shaanxi": "陕西", "shandong": "山东",
     "shanghai": "上海", "shanxi": "山西", "sichuan": "四川", "tianjin": "天津", "xinjiang": "新疆", "xizang": "西藏",
     "yunnan": "云南", "zhejiang": "浙江"}


def src(year: int, prov: str) -> str:
    return f"gov{year}_{prov}.docx" if year == 2025 else f"gov{year}_{prov}.csv"


# (province, report year, figure as written, evidence) — results the report states for the year before it.
GRAIN = [
    ("gansu", 2025, "259.2亿斤", "粮食产量259.2亿斤"), ("anhui", 2025, "836.9亿斤", "粮食产量836.9亿斤"),
    ("hebei", 2025, "781.8亿斤", "粮食总产781.8亿斤"), ("henan", 2025, "1344亿斤", "粮食总产量1344亿斤"),
    ("hunan", 2025, "615.6亿斤", "粮食总产达615.6亿斤"), ("jiangsu", 2025, "762亿斤", "总产762亿斤"),
    ("jiangxi", 2025, "439.2亿斤", "粮食总产439.2亿斤"), ("liaoning", 2025, "500.1亿斤", "粮食产量500.1亿斤"),
    ("neimenggu", 2025, "820.1亿斤", "粮食总产量达到820.1亿斤"), ("ningxia", 2025, "77亿斤", "粮食总产量达77亿斤"),
    ("shaanxi", 2025, "1352.3万吨", "粮食产量1352.3万吨"), ("shandong", 2025, "1142亿斤", "粮食总产1142亿斤"),
    ("sichuan", 2025, "726.8亿斤", "全省粮食产量726.8亿斤"), ("yunnan", 2025, "1993.5万吨", "粮食总产量1993.5万吨"),
    ("guangxi", 2025, "280.76亿斤", "粮食产量280.76亿斤"), ("xizang", 2025, "110万吨", "粮食产量突破110万吨"),
    ("anhui", 2026, "838.6亿斤", "粮食产量838.6亿斤"), ("guangxi", 2026, "280.9亿斤", "粮食产量280.9亿斤"),
    ("heilongjiang", 2026, "1640.06亿斤", "粮食总产量1640.06亿斤"), ("henan", 2026, "1350.97亿斤", "粮食产量1350.97亿斤"),
    ("hunan", 2026, "620亿斤", "粮食产量突破620亿斤"), ("jiangxi", 2026, "446.1亿斤", "粮食总产达446.1亿斤"),
    ("jilin", 2026, "871.6亿斤", "粮食总产量达到871.6亿斤"), ("liaoning", 2026, "515.6亿斤", "粮食产量515.6亿斤"),
    ("ningxia", 2026, "76.28亿斤", "粮食总产量达76.28亿斤"), ("qinghai", 2026, "119.3万吨", "粮食总产量119.3万吨"),
    ("shaanxi", 2026, "1347万吨", "粮食产量1347万吨"), ("sichuan", 2026, "732.5亿斤", "粮食产量达到732.5亿斤"),
    ("xinjiang", 2026, "486.5亿斤", "粮食总产486.5亿斤"),
    ("guizhou", 2025, "1146.1万吨", "产量1146.1万吨"), ("zhejiang", 2026, "132.4亿斤", "总产量132.4亿斤"),
    ("zhejiang", 2025, "130亿斤", "总产130亿斤"), ("jilin", 2025, "853.2亿斤", "总产量达到853.2亿斤"),
]
GRAIN_WORDS = ["{p}{y}年粮食产量是多少", "{p}{y}年粮食总产量", "{p}省{y}年粮食产量有多少"]

FARMLAND = [
    ("anhui", 2025, "454.6万亩", "新建、改造高标准农田454.6万亩"), ("beijing", 2025, "13.5万亩", "建成高标准农田13.5万亩"),
    ("chongqing", 2025, "200万亩", "新建和改造提升高标准农田200万亩"), ("gansu", 2025, "284万亩", "建成高标准农田284万亩"),
    ("guangdong", 2025, "112万亩", "新建和改造提升112万亩高标准农田"), ("guizhou", 2025, "152.8万亩", "建成高标准农田152.8万亩"),
    ("hebei", 2025, "450万亩", "建成高标准农田450万亩"), ("henan", 2025, "550万亩", "新建改造高标准农田550万亩"),
    ("hunan", 2025, "335万亩", "新建和改造提升高标准农田335万亩"), ("jiangsu", 2025, "298万亩", "新建和改造高标准农田298万亩"),
    ("jiangxi", 2025, "360万亩", "新建和改造提升高标准农田360万亩"), ("jilin", 2025, "806万亩", "新建和改造提升高标准农田806万亩"),
    ("liaoning", 2025, "316万亩", "高标准农田316万亩"), ("neimenggu", 2025, "940万亩", "建设高标准农田940万亩"),
    ("qinghai", 2025, "21.2万亩", "建设高标准农田21.2万亩"), ("shaanxi", 2025, "252万亩", "新建高标准农田252万亩"),
    ("shanghai", 2025, "8.8万亩", "建成高标准农田8.8万亩"), ("sichuan", 2025, "425万亩", "新建和改造高标准农田425万亩"),
    ("xinjiang", 2025, "434万亩", "建设高标准农田434万亩"),
    ("anhui", 2026, "200.9万亩", "新建、改造高标准农田200.9万亩"), ("fujian", 2026, "71.21万亩", "新建和改造高标准农田71.21万亩"),
    ("guangxi", 2026, "46.1万亩", "完成46.1万亩高标准农田建设"), ("shaanxi", 2026, "94.18万亩", "新建和改造高标准农田94.18万亩"),
    ("shanghai", 2026, "8.9万亩", "建成高标准农田8.9万亩"),
]
FARMLAND_WORDS = ["{p}{y}年建设了多少亩高标准农田", "{p}{y}年高标准农田建设面积是多少", "{p}{y}年新建高标准农田多少万亩"]

# Targets: (province, report year = target year, figure, evidence).
GRAIN_TARGET = [
    ("gansu", 2025, "252亿斤", "粮食产量稳定在252亿斤以上"), ("fujian", 2025, "511万吨", "粮食产量511万吨以上"),
    ("guangxi", 2025, "282亿斤", "粮食产量282亿斤左右"), ("henan", 2025, "1300亿斤", "粮食产量1300亿斤以上"),
    ("hunan", 2025, "616亿斤", "粮食产量616亿斤左右"), ("jiangxi", 2025, "436亿斤", "确保粮食产量达436亿斤"),
    ("jilin", 2025, "880亿斤", "粮食产量880亿斤以上"), ("liaoning", 2025, "500亿斤", "粮食产量500亿斤左右"),
    ("shaanxi", 2025, "1300万吨", "粮食产量1300万吨以上"), ("shandong", 2025, "1100亿斤", "粮食总产稳定在1100亿斤以上"),
    ("sichuan", 2025, "725亿斤", "粮食产量725亿斤以上"), ("xinjiang", 2025, "476亿斤", "粮食产量476亿斤以上"),
    ("xizang", 2025, "100万吨", "确保粮食产量稳定在100万吨以上"), ("yunnan", 2025, "1955万吨", "粮食总产量稳定在1955万吨以上"),
    ("hebei", 2025, "740亿斤", "确保粮食总产740亿斤以上"), ("qinghai", 2025, "110万吨", "粮食总产量保持在110万吨以上"),
    ("hubei", 2025, "500亿斤", "粮食产量继续保持500亿斤以上"), ("shanxi", 2025, "297.1亿斤", "确保粮食产量达到297.1亿斤"),
    ("zhejiang", 2025, "125亿斤", "总产125亿斤"),
    ("fujian", 2026, "513万吨", "粮食产量513万吨以上"),
    ("gansu", 2026, "1300万吨", "粮食产量稳定在1300万吨以上"), ("henan", 2026, "1300亿斤", "粮食产量1300亿斤以上、力争"),
    ("hunan", 2026, "615亿斤", "粮食产量615亿斤左右"), ("ningxia", 2026, "76亿斤", "粮食总产量稳定保持在76亿斤以上"),
    ("qinghai", 2026, "110万吨", "粮食总产量保持在110万吨以上"), ("sichuan", 2026, "730亿斤", "粮食产量730亿斤以上"),
    ("xinjiang", 2026, "485亿斤", "粮食产量稳定在485亿斤左右"), ("yunnan", 2026, "1955万吨", "粮食总产量稳定在1955万吨以上"),
    ("jiangxi", 2026, "436亿斤", "粮食总产436亿斤以上"), ("guangdong", 2026, "1285万吨", "产量1285万吨以上"),
]
GRAIN_TARGET_WORDS = ["{p}{y}年粮食产量的目标是多少", "{p}{y}年粮食产量预期目标", "{p}计划{y}年粮食产量达到多少"]

FARMLAND_TARGET = [
    ("guizhou", 2025, "200万亩", "力争新建和改造提升200万亩以上"), ("henan", 2025, "500万亩", "新建和改造提升高标准农田500万亩"),
    ("hubei", 2025, "300万亩", "建设高标准农田300万亩"), ("jilin", 2025, "1000万亩", "建设高标准农田1000万亩"),
    ("liaoning", 2025, "476万亩", "新建改造高标准农田476万亩"), ("neimenggu", 2025, "850万亩", "新建高标准农田850万亩"),
    ("ningxia", 2025, "80万亩", "新建和改造高标准农田80万亩"), ("shanghai", 2025, "4万亩", "建设4万亩高标准农田"),
    ("tianjin", 2025, "30万亩", "建设高标准农田30万亩以上"), ("beijing", 2025, "15万亩", "建设高标准农田15万亩"),
    ("fujian", 2025, "70万亩", "新建和改造高标准农田70万亩"),
    ("guangxi", 2026, "95万亩", "建设高标准农田95万亩"), ("ningxia", 2026, "70万亩", "新建改造提升高标准农田70万亩"),
    ("shanghai", 2026, "8万亩", "建设8万亩高标准农田"), ("shanxi", 2026, "80万亩", "新建改造高标准农田80万亩"),
    ("sichuan", 2026, "300万亩", "高标准农田300万亩以上"), ("henan", 2026, "400万亩", "新建改造高标准农田400万亩以上"),
    ("liaoning", 2026, "443.9万亩", "新建改造高标准农田443.9万亩"), ("jilin", 2026, "1000万亩", "新建高标准农田1000万亩"),
    ("heilongjiang", 2026, "980万亩", "建设高标准农田980万亩以上"), ("hubei", 2026, "200万亩", "建设高标准农田200万亩以上"),
    ("hainan", 2026, "25万亩", "建设高标准农田25万亩"),
]
FARMLAND_TARGET_WORDS = ["{p}{y}年计划建设多少亩高标准农田", "{p}{y}年高标准农田建设目标是多少"]

INCOME = [
    ("gansu", 2025, "7.4%", "农村居民人均可支配收入增长7.4%"), ("guangxi", 2025, "7.1%", "分别增长4.3%和7.1%"),
    ("fujian", 2025, "6.7%", "分别增长4.6%、6.7%"), ("henan", 2025, "6.1%", "农村居民人均可支配收入增长6.1%"),
    ("hunan", 2025, "6.1%", "农村居民人均可支配收入增长6.1%"), ("jiangxi", 2025, "6.2%", "分别增长4.3%、6.2%"),
    ("ningxia", 2025, "7%", "分别增长4.8%、7%"), ("shandong", 2025, "6.2%", "分别增长4.8%、6.2%"),
    ("xinjiang", 2025, "8.2%", "农村居民人均可支配收入增长8.2%"), ("yunnan", 2025, "6.7%", "农村居民人均可支配收入增长6.7%"),
    ("fujian", 2026, "5.7%", "分别增长4.5%、5.7%"), ("hainan", 2026, "5.2%", "分别增长3.4%、5.2%"),
    ("jiangxi", 2026, "5.7%", "分别增长4.3%、5.7%"), ("liaoning", 2026, "5.3%", "分别增长4.3%、5.3%"),
    ("zhejiang", 2026, "5.5%", "分别增长4.3%、5.5%"), ("hunan", 2026, "5.8%", "农村居民收入增长5.8%"),
    ("qinghai", 2026, "6%", "城乡居民人均可支配收入分别增长4%、6%"),
    ("xizang", 2025, "8.3%", "城乡居民人均可支配收入分别增长6.8%和8.3%"),
    ("xizang", 2026, "7.4%", "城乡居民人均可支配收入分别增长6%和7.4%"),
]
INCOME_WORDS = ["{p}{y}年农村居民人均可支配收入增长多少", "{p}{y}年农民人均可支配收入增速是多少"]

INCOME_TARGET = [
    ("xinjiang", 2025, "7%", "农村居民人均可支配收入增长7%左右"), ("yunnan", 2025, "6%", "农村居民人均可支配收入增长6%左右"),
    ("jiangxi", 2025, "6.5%", "分别增长5%、6.5%左右"), ("xinjiang", 2026, "8%", "农村居民人均可支配收入增长8%左右"),
    ("jiangxi", 2026, "5.5%", "分别增长4.5%、5.5%左右"), ("yunnan", 2026, "6%", "农村居民人均可支配收入增长6%以上"),
]
INCOME_TARGET_WORDS = ["{p}{y}年农村居民人均可支配收入增长目标是多少"]

# Other figures, in the reports' own words or everyday ones: (question, answer, evidence, source, kind).
OTHER = [
    ("四川2024年脱贫地区农村居民人均可支配收入增长多少", "6.8%", "脱贫地区农村居民人均可支配收入增长6.8%", src(2025, "sichuan"), "quantity"),
    ("河南2024年脱贫县农民收入增长多少", "6.9%", "脱贫县农民收入增长6.9%", src(2025, "henan"), "quantity"),
    ("山东高标准农田达到多少亩", "7759万亩", "高标准农田达7759万亩", src(2025, "shandong"), "quantity"),
    ("宁夏2024年高标准农田达到多少亩", "1100万亩", "高标准农田达1100万亩", src(2025, "ningxia"), "quantity"),
    ("陕西2024年苹果产量增长了多少", "3.4%", "苹果、食用菌、中药材产量分别增长3.4%、6.8%、13.7%", src(2025, "shaanxi"), "quantity"),
    ("陕西2024年中药材产量增长多少", "13.7%", "苹果、食用菌、中药材产量分别增长3.4%、6.8%、13.7%", src(2025, "shaanxi"), "quantity"),
    ("河南2024年建成多少个区域性农业综合服务中心", "286个", "建成区域性农业综合服务中心286个", src(2025, "henan"), "count"),
    ("河南2024年恢复改善灌溉面积多少亩", "833万亩", "恢复改善灌溉面积833万亩", src(2025, "henan"), "quantity"),
    ("内蒙古2024年新增设施农业多少亩", "26万亩", "新增设施农业26万亩", src(2025, "neimenggu"), "quantity"),
    ("内蒙古2024年有多少农牧户发展庭院经济", "78万", "78万农牧户发展庭院经济", src(2025, "neimenggu"), "count"),
    ("四川2025年生猪出栏多少头", "6248万头", "生猪出栏6248万头", src(2026, "sichuan"), "quantity"),
    ("新疆2025年棉花总产多少", "616.5万吨", "棉花总产616.5万吨", src(2026, "xinjiang"), "quantity"),
    ("云南2025年补充耕地多少亩", "39.08万亩", "补充耕地39.08万亩", src(2026, "yunnan"), "quantity"),
    ("湖南累计建成高标准农田多少亩", "4397万亩", "累计建成高标准农田4397万亩", src(2026, "hunan"), "quantity"),
    ("湖北高标准农田达到多少亩", "4808万亩", "高标准农田达到4808万亩", src(2026, "hubei"), "quantity"),
    ("云南累计建成高标准农田多少亩", "4128万亩", "累计建成高标准农田4128万亩", src(2026, "yunnan"), "quantity"),
    ("上海高标准农田累计达到多少亩", "120.5万亩", "累计达到120.5万亩", src(2026, "shanghai"), "quantity"),
    ("内蒙古累计建成高标准农田多少亩", "6281万亩", "累计建成高标准农田6281万亩", src(2026, "neimenggu"), "quantity"),
    ("新疆2025年农村居民人均可支配收入是多少", "20793元", "达到20793元", src(2026, "xinjiang"), "quantity"),
    ("江西年销售收入超10亿元的农业龙头企业有多少家", "100家", "龙头企业达100家以上", src(2026, "jiangxi"), "count"),
    ("福建乡村建设品质提升行动完成投资多少", "310亿元", "乡村建设品质提升行动完成投资310亿元", src(2026, "fujian"), "quantity"),
    ("福建新建城乡供水一体化管网多少公里", "6838公里", "新建城乡供水一体化管网6838公里", src(2026, "fujian"), "quantity"),
    ("河南“十四五”期间耕地面积净增多少亩", "212万亩", "耕地面积净增212万亩", src(2026, "henan"), "quantity"),
    ("河南“十四五”时期新建改造高标准农田多少亩", "3167万亩", "新建改造高标准农田3167万亩", src(2026, "henan"), "quantity"),
    ("甘肃“十四五”时期新建高标准农田多少亩", "1417万亩", "新建高标准农田1417万亩", src(2026, "gansu"), "quantity"),
    ("黑龙江大垄密植、水肥一体化面积达到多少亩", "7182.7万亩", "水肥一体化面积达到7182.7万亩", src(2026, "heilongjiang"), "quantity"),
    ("宁夏高标准农田占耕地总面积的比例是多少", "64%", "高标准农田达到耕地总面积的64%", src(2026, "ningxia"), "quantity"),
    ("吉林高标准农田建成面积占永久基本农田比例是多少", "66.25%", "建成面积占永久基本农田比例达到66.25%", src(2026, "jilin"), "quantity"),
    ("江西哪个品牌成功回归江西", "赣莲", "“赣莲”品牌成功回归江西", src(2026, "jiangxi"), "name"),
    # everyday words for the reports' terms
    ("甘肃2024年一共收了多少粮食", "259.2亿斤", "粮食产量259.2亿斤", src(2025, "gansu"), "paraphrase"),
    ("河南2024年种出了多少粮食", "1344亿斤", "粮食总产量1344亿斤", src(2025, "henan"), "paraphrase"),
    ("四川2024年生猪出栏多少头", "6150万头", "生猪出栏6150万头", src(2025, "sichuan"), "quantity"),
    ("广东2025年粮食产量的预期目标是多少", "1285万吨", "粮食产量1285万吨", src(2025, "guangdong"), "target"),
    ("四川2025年出栏了多少头猪", "6248万头", "生猪出栏6248万头", src(2026, "sichuan"), "paraphrase"),
    ("陕西2024年新修了多少亩好田", "252万亩", "新建高标准农田252万亩", src(2025, "shaanxi"), "paraphrase"),
    ("新疆2025年农民一年人均能支配多少钱", "20793元", "达到20793元", src(2026, "xinjiang"), "paraphrase"),
    # traditional characters
    ("甘肅2024年糧食產量是多少", "259.2亿斤", "粮食产量259.2亿斤", src(2025, "gansu"), "traditional"),
    ("河南2025年糧食產量是多少", "1350.97亿斤", "粮食产量1350.97亿斤", src(2026, "henan"), "traditional"),
    ("雲南2024年糧食總產量", "1993.5万吨", "粮食总产量1993.5万吨", src(2025, "yunnan"), "traditional"),
    ("遼寧2025年糧食產量", "515.6亿斤", "粮食产量515.6亿斤", src(2026, "liaoning"), "traditional"),
    ("陝西2024年新建高標準農田多少畝", "252万亩", "新建高标准农田252万亩", src(2025, "shaanxi"), "traditional"),
]

# Questions the reports do not answer (checked by searching the province's reports for the words asked about).
UNANSWERABLE = [
    "北京2024年粮食产量是多少", "上海2024年粮食产量是多少", "重庆2025年粮食产量是多少", "广东2025年粮食产量是多少",
    "贵州2025年粮食产量是多少", "海南2024年粮食产量是多少", "天津2025年粮食产量是多少", "台湾2024年粮食产量是多少",
    "北京2025年粮食产量是多少", "上海2025年粮食产量是多少", "海南2025年粮食产量是多少", "广东2024年粮食产量是多少",
    "万荣县2024年粮食产量是多少", "北京2024年生猪出栏多少头", "甘肃2024年苹果产值是多少", "河南2024年香菇产值是多少",
    "山东2024年蔬菜出口额是多少", "江苏2024年家庭农场有多少家", "广西2024年茶叶产量是多少",
    "湖北2024年小龙虾产值是多少", "安徽2024年农村居民人均可支配收入是多少元",
    "河北2025年新建高标准农田多少亩", "吉林2027年粮食产量目标是多少", "天津2024年粮食产量是多少",
    "黑龙江2024年大豆产量是多少", "云南2024年咖啡产量是多少", "宁夏2024年枸杞产值是多少",
    "陕西2025年苹果产量是多少", "内蒙古2025年牛奶产量是多少吨", "福建2024年茶叶产值是多少",
    "海南2025年橡胶产量是多少", "贵州2025年辣椒产值是多少", "重庆2024年柑橘产量是多少",
]

COUNTY = [
    ("东山县2024年农林牧渔业总产值是多少", "110.01亿元", "110.01亿元", "case_fujian_dongshan.md", "quantity"),
    ("东山县农村居民人均可支配收入是多少", "34,577元", "34,577元", "case_fujian_dongshan.md", "quantity"),
    ("东山县村集体经营性收入50万元以上的村有多少个", "32个", "32个", "case_fujian_dongshan.md", "count"),
    ("东山县村集体经营性收入100万元以上的村有多少个", "21个", "21个", "case_fujian_dongshan.md", "count"),
    ("东山县全县有多少个行政村", "61个", "全县61个行政村", "case_fujian_dongshan.md", "count"),
    ("东山县集聚提升类村庄有多少个", "37个", "37个", "case_fujian_dongshan.md", "count"),
    ("东山县有几个省级示范村", "15个", "省级示范村：15个", "case_fujian_dongshan.md", "count"),
    ("东山县有多少个市级重点村", "16个", "市级重点村：16个", "case_fujian_dongshan.md", "count"),
    ("港北区有多少个工厂化育秧中心", "18个", "工厂化育秧中心18个", "case_guangxi_gangbei.md", "count"),
    ("港北区单季能育秧多少亩", "15万亩", "15万亩以上", "case_guangxi_gangbei.md", "quantity"),
    ("港北区早稻计划种植面积是多少", "14万亩", "逾14万亩", "case_guangxi_gangbei.md", "quantity"),
    ("港北区插秧机一人一天能插多少亩", "50亩", "一人一天能插50亩", "case_guangxi_gangbei.md", "quantity"),
    ("港北区水稻高产示范基地连片多少亩", "500亩", "连片500亩", "case_guangxi_gangbei.md", "quantity"),
    ("溧水区2024年地区生产总值是多少", "1110.60亿元", "1110.60亿元", "case_jiangsu_lishui.md", "quantity"),
    ("溧水区2024年农村居民人均可支配收入是多少", "38110元", "38110元", "case_jiangsu_lishui.md", "quantity"),
    ("溧水区累计盘活了多少个农村集体闲置资源资产项目", "130", "130余个", "case_jiangsu_lishui.md", "count"),
    ("溧水区改造农村电网低压线路多少公里", "530公里", "530公里", "case_jiangsu_lishui.md", "quantity"),
    ("溧水区有多少个村级服务点", "91个", "91个", "case_jiangsu_lishui.md", "count"),
    ("溧水区有多少条融合公交线路", "22条", "22条", "case_jiangsu_lishui.md", "count"),
    ("溧水区2022年以来累计整合了多少涉农资金", "30亿元", "30亿元", "case_jiangsu_lishui.md", "quantity"),
    ("台安县有多少家家庭农场", "421家", "421家", "case_liaoning_taian.md", "count"),
    ("台安县有多少个设施农业小区", "81个", "81个", "case_liaoning_taian.md", "count"),
    ("台安县绿色蔬菜年产量是多少", "62万吨", "62万吨", "case_liaoning_taian.md", "quantity"),
    ("台安县规模以上农产品深加工企业有多少家", "16家", "16家", "case_liaoning_taian.md", "count"),
    ("台安县有几家国家农业产业化重点龙头企业", "4家", "4家", "case_liaoning_taian.md", "count"),
    ("台安县农产品加工总产值是多少", "160亿元", "160亿元", "case_liaoning_taian.md", "quantity"),
    ("台安白羽肉鸡品牌价值是多少", "89亿元", "89亿元", "case_liaoning_taian.md", "quantity"),
    ("台安县建成了多少个标准化养殖小区", "700", "700余个", "case_liaoning_taian.md", "count"),
    ("伊吾县种植沙棘多少亩", "2.4万亩", "2.4万亩", "case_xinjiang_yiwu.md", "quantity"),
    ("伊吾县年产驼奶多少吨", "1500吨", "1500吨", "case_xinjiang_yiwu.md", "quantity"),
    ("伊吾县示范村建设自治区财政支持多少资金", "1000万元", "1000万元", "case_xinjiang_yiwu.md", "quantity"),
    ("金田村户籍人口有多少人", "1403", "户籍人口 1403 人", "village_jintian_status_report.md", "count"),
    ("金田村下辖多少个自然村", "12 个", "下辖 12 个自然村", "village_jintian_status_report.md", "count"),
    ("金田村有几个水电站", "3 个", "3 个水电站", "village_jintian_status_report.md", "count"),
    ("后江石沽村获得了什么国家级荣誉", "全国文明村镇", "第七届全国文明村镇", "case_tianjin_houjiangshigu.md", "name"),
]
COUNTY_UNANSWERABLE = [
    "东山县2024年粮食产量是多少", "台安县农村居民人均可支配收入是多少", "港北区农村居民人均可支配收入是多少",
    "伊吾县地区生产总值是多少", "溧水区有多少家家庭农场", "金田村人均年收入是多少", "东山县新建高标准农田多少亩",
    "台安县2024年地区生产总值是多少",
]


def rows() -> list[dict]:
    out = []

    def add(question, answers, evidence, source, kind, tags=()):
        out.append({"question": question, "answers": answers, "evidence": evidence, "source": source, "kind": kind,
                    "tags": list(tags)})

    for table, words, kind in ((GRAIN, GRAIN_WORDS, "year"), (FARMLAND, FARMLAND_WORDS, "year"),
                               (INCOME, INCOME_WORDS, "year"), (GRAIN_TARGET, GRAIN_TARGET_WORDS, "target"),
                               (FARMLAND_TARGET, FARMLAND_TARGET_WORDS, "target"),
                               (INCOME_TARGET, INCOME_TARGET_WORDS, "target")):
        for i, (prov, year, value, evidence) in enumerate(table):
            asked = year - 1 if kind == "year" else year  # a report reviews the year before it
            q = words[i % len(words)].format(p=P[prov], y=asked).replace(f"{P[prov]}省", P[prov] + (
                "省" if P[prov] not in ("北京", "上海", "天津", "重庆", "内蒙古", "广西", "宁夏", "新疆", "西藏") else ""))
            add(q, [value], [evidence], src(year, prov), kind, ("place", "provincial"))
    for question, answer, evidence, source, kind in OTHER:
        add(question, [answer], [evidence], source, kind, ("provincial",))
    for question in UNANSWERABLE:
        add(question, [], [], None, "unanswerable", ("provincial",))
    for question, answer, evidence, source, kind in COUNTY:
        add(question, [answer], [evidence], source, kind, ("county",))
    for question in COUNTY_UNANSWERABLE:
        add(question, [], [], None, "unanswerable", ("county",))
    for n, row in enumerate(out, start=1):
        row["id"] = f"rw{n:03d}"
        row["split"] = "fit" if n % 2 == 0 else "test"
    return out


def check(questions: list[dict]) -> list[str]:
    """Every evidence string stands in its source report's text, and every answer in its evidence."""
    sys.path.insert(0, str(ROOT / "src"))
    from ruralqa.corpus.ingest import read_reports
    from ruralqa.text.normalize import normalize

    problems, texts = [], {}
    for q in questions:
        if not q["source"]:
            continue
        if q["source"] not in texts:
            folder = "county" if "provincial" not in q["tags"] else "corpus"
            path = REALWORLD / folder / q["source"]
            texts[q["source"]] = normalize(" ".join(r.text for r in read_reports(path, path.parent)))
        for e in q["evidence"]:
            if normalize(e) not in texts[q["source"]]:
                problems.append(f"{q['id']} {q['question']}: evidence {e!r} not in {q['source']}")
        if not any(normalize(a) in normalize(e) for a in q["answers"] for e in q["evidence"]):
            problems.append(f"{q['id']} {q['question']}: no answer inside its evidence")
    return problems


def main() -> int:
    questions = rows()
    problems = check(questions)
    for p in problems:
        print(p, file=sys.stderr)
    for part in ("provincial", "county"):
        out = Path(__file__).with_name(f"{part}.jsonl")
        with open(out, "w", encoding="utf-8") as f:
            for q in questions:
                if part in q["tags"]:
                    f.write(json.dumps(q, ensure_ascii=False) + "\n")
    kinds = {}
    for q in questions:
        kinds[q["kind"]] = kinds.get(q["kind"], 0) + 1
    print(f"{len(questions)} questions written to provincial.jsonl and county.jsonl: {kinds}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
