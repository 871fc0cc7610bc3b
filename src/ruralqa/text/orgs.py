"""Organisation names (banks, companies, co-operatives, offices) that must stay one token."""

from __future__ import annotations

import re

ORG = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:农商行|银行|支行|公司|合作社|服务中心|乡村振兴局|领导小组)")


def orgs_in(text: str) -> set[str]:
    return {m.group(0) for m in ORG.finditer(text)}


def is_org(name: str) -> bool:
    return bool(ORG.search(name))
