"""
Charts drawn on the server as SVG (issue #15): no script, no CDN. A chart is
an image for sighted readers; its figures are also given as a table beside
it (the template's job), so the SVG is ``aria-hidden`` and titled.
"""

from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label (a day, a window), its value and a short title shown on hover."""

    label: str
    value: float
    title: str = ""


# Colours with at least 3:1 contrast against white (WCAG 2.2, 1.4.11 non-text contrast).
COLOURS = ("#1d5fa8", "#b3261e", "#5b5b00")


def bar_chart(
    bars: list[Bar], *, title: str, maximum: float | None = None, width: int = 640, height: int = 200,
    colour: str = COLOURS[0], label_every: int = 1,
) -> SafeString:
    """
    Return an SVG bar chart of ``bars`` with ``title``; values are scaled to
    ``maximum`` (the largest value when None). Every ``label_every``-th bar is
    labelled under the axis, so thirty days stay readable.
    """
    top = maximum if maximum else max((bar.value for bar in bars), default=0) or 1
    left, bottom, gap = 36, 28, 2
    plot_w, plot_h = width - left - 8, height - bottom - 8
    step = plot_w / max(len(bars), 1)
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
            'aria-hidden="true" focusable="false" class="chart"><title>{}</title>',
            width, height, title,
        ),
        format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#333"/>', left, 8 + plot_h, width - 8, 8 + plot_h),
        format_html('<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>', left - 4, 12, _number(top)),
        format_html('<text x="{}" y="{}" font-size="11" text-anchor="end">0</text>', left - 4, 8 + plot_h),
    ]
    for index, bar in enumerate(bars):
        bar_h = plot_h * min(max(bar.value, 0) / top, 1)
        x = left + index * step + gap / 2
        parts.append(format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
            f"{x:.1f}", f"{8 + plot_h - bar_h:.1f}", f"{max(step - gap, 1):.1f}", f"{bar_h:.1f}", colour,
            bar.title or f"{bar.label}: {_number(bar.value)}",
        ))
        if index % max(label_every, 1) == 0:
            parts.append(format_html(
                '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>',
                f"{x + step / 2:.1f}", height - 10, bar.label,
            ))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(part) for part in parts))


def _number(value: float) -> str:
    return escape(f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}")
