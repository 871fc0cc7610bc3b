"""A chart of a comparison: bars by place, or a line over years, with Chinese labels (matplotlib, loaded only here).

Chinese needs a CJK font. The first installed one of CJK_FONTS is used; with none, the chart is still drawn (the
Chinese labels show as boxes) and `draw` returns a warning that says which package to install.
"""

from __future__ import annotations

from pathlib import Path

from ruralqa.errors import UsageError

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "Droid Sans Fallback", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN")


def _cjk_font() -> str | None:
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def draw(comparison, path: Path) -> list[str]:
    """Draw the found cells of `comparison` into `path` (PNG); returns warnings."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UsageError("--chart needs matplotlib; run `pip install matplotlib` (or `pip install ruralqa[chart]`)")
    cells = [c for c in comparison.cells if c.found and c.value is not None]
    if not cells:
        raise UsageError("nothing to draw: no place has a value; drop --chart")
    warnings = []
    font = _cjk_font()
    if font:
        plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
    else:
        warnings.append("no CJK font is installed, so Chinese labels show as boxes; install one, e.g. "
                        "`apt-get install fonts-noto-cjk` (or fonts-wqy-microhei)")
    plt.rcParams["axes.unicode_minus"] = False
    units = {c.unit for c in cells}
    unit = units.pop() if len(units) == 1 else ""
    if len(units) > 0:
        warnings.append("the values have different units; the chart shows each in its own unit")
    values = [c.value for c in cells]
    scale, prefix = next(((f, p) for f, p in ((1e8, "亿"), (1e4, "万")) if unit != "%" and max(values) >= 10 * f),
                         (1, ""))
    values = [v / scale for v in values]
    fig, ax = plt.subplots(figsize=(max(6.0, 0.45 * len(cells) + 2), 4.5), dpi=120)
    over_years = len({c.place for c in cells}) == 1 and len({c.year for c in cells}) > 1
    if over_years:
        xs = [str(c.year) for c in cells]
        ax.plot(xs, values, marker="o")
        ax.set_xlabel("年份")
    else:
        ax.bar([c.place for c in cells], values, color="#4C72B0")
        ax.tick_params(axis="x", labelrotation=60)
    ax.set_ylabel(prefix + unit)
    ax.set_title(comparison.question)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right" if not over_years else "center")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return warnings
