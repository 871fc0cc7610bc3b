"""Named points in the index write path where the crash tests stop the process.

Production code only calls `checkpoint(name)`; nothing happens unless a test has installed a hook, so no
environment variable is read on the write path.
"""

from __future__ import annotations

from collections.abc import Callable

_hook: Callable[[str], None] | None = None


def install(hook: Callable[[str], None] | None) -> None:
    """Call `hook(name)` at every checkpoint from now on (None removes it)."""
    global _hook
    _hook = hook


def checkpoint(name: str) -> None:
    if _hook is not None:
        _hook(name)
