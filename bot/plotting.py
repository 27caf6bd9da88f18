"""Charts as PNG bytes, drawn with matplotlib's Agg backend (no display, no GUI toolkit).

matplotlib is imported when the first chart is drawn, not with this module: commands that
draw nothing start as fast as before. Its own bundled DejaVu Sans font is used, so nothing
is looked up or downloaded; a figure is made and closed per chart (no pyplot state).
"""

from __future__ import annotations

import io
import threading

from bot.briefing.trend import Trend, title_of

WIDTH, HEIGHT, DPI = 6.4, 3.2, 100  # 640 x 320 pixels: small in a Slack channel
BAR = "#1f3a5f"  # the app's colour (deploy/slack-manifest.yaml)
THIS_WEEK = "#7f9cc0"
_LOCK = threading.Lock()  # matplotlib's font cache and text layout are not thread-safe


def trend_png(trend: Trend) -> bytes:
    """A bar per week (articles first shared then), the rising actors under the title."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with _LOCK:
        figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
        axes = figure.add_subplot()
        positions = list(range(len(trend.counts)))
        colours = [BAR] * (len(positions) - 1) + [THIS_WEEK]  # the current week is not over
        axes.bar(positions, trend.counts, color=colours, width=0.75)
        step = max(1, len(positions) // 8)
        axes.set_xticks(positions[::step])
        axes.set_xticklabels([f"{w:%d %b}" for w in trend.weeks[::step]], fontsize=8)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylim(0, max(max(trend.counts, default=0), 1) * 1.15)
        axes.tick_params(axis="y", labelsize=8)
        axes.set_ylabel("articles shared", fontsize=8)
        axes.set_xlabel("week starting (UTC)", fontsize=8)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.suptitle(
            f"{title_of(trend.topic)}: {trend.total} articles in {len(trend.weeks)} weeks",
            fontsize=11,
            x=0.02,
            ha="left",
        )
        if trend.rising:
            names = ", ".join(f"{a.name} ({a.recent})" for a in trend.rising)
            rising = f"Rising in the last {trend.recent_weeks} weeks: {names}"
            axes.set_title(_fit(rising, 110), fontsize=7, loc="left", color="#444444")
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
        return out.getvalue()


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ·") + "…"
