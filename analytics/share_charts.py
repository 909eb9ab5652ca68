"""Shares (0–100 %) drawn as SVG on the server, in the house style of analytics/charts.py: the
repurchase rate as horizontal bars, the on-time rate by month as columns against a 100 % scale.
Each bar carries its figure and its count in words; the table under each chart is its text
alternative, and the chart's description says so. No JavaScript."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from loyalty.charts import PALETTE

BAR, MISSING = PALETTE[3], "#767676"


def _open(width, height, title, description):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="analytics-chart"><title>{escape(title)}</title>'
        f"<desc>{escape(description)}</desc>"
    )


def _pct(value):
    return f"{value}%"


def share_bars(rows, *, title, description="", width=640, bar_height=22, gap=8, label_width=200):
    """`rows`: [(label, percent or None, words)], e.g. ("Silver", Decimal("40.0"), "2 of 5").
    Bars on a 0–100 scale; a row without a figure says "no one yet" instead of a bar."""
    room = width - label_width - 150
    height = len(rows) * (bar_height + gap) + gap
    parts = [_open(width, height, title, description)]
    for index, (label, share, words) in enumerate(rows):
        y = gap + index * (bar_height + gap)
        text_y = f"{y + bar_height * 0.7:.0f}"
        parts.append(
            f'<text x="{label_width - 8}" y="{text_y}" text-anchor="end" font-size="12" fill="#333">'
            f"{escape(label)}</text>"
        )
        if share is None:
            parts.append(f'<text x="{label_width}" y="{text_y}" font-size="12" fill="{MISSING}">{escape(words)}</text>')
            continue
        length = room * float(share) / 100
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{max(length, 1):.1f}" height="{bar_height}" rx="2" fill="{BAR}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{text_y}" font-size="12" fill="#333">'
            f"{escape(_pct(share))} ({escape(words)})</text>"
        )
    parts.append(f'<line x1="{label_width}" y1="0" x2="{label_width}" y2="{height}" stroke="#555"/></svg>')
    return mark_safe("".join(parts))


def share_columns(rows, *, title, description="", height=240, column_width=56, gap=12, axis_width=44):
    """`rows`: [(label, percent or None)], e.g. months and their on-time rate. Columns on a 0–100
    scale with the figure above each; a month with nothing due shows a dash, not a zero."""
    chart_top, chart_bottom = 20, height - 40
    span = chart_bottom - chart_top
    width = axis_width + len(rows) * (column_width + gap) + gap
    parts = [_open(width, height, title, description)]
    for level in (0, 50, 100):
        y = chart_bottom - span * level / 100
        parts.append(
            f'<line x1="{axis_width}" y1="{y:.1f}" x2="{width}" y2="{y:.1f}" stroke="#bbb"/>'
            f'<text x="{axis_width - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#333">{level}%</text>'
        )
    for index, (label, share) in enumerate(rows):
        x = axis_width + gap + index * (column_width + gap)
        middle = x + column_width / 2
        if share is None:
            parts.append(
                f'<text x="{middle:.1f}" y="{chart_bottom - 6}" text-anchor="middle" font-size="12" '
                f'fill="{MISSING}">–</text>'
            )
        else:
            tall = span * float(share) / 100
            parts.append(
                f'<rect x="{x}" y="{chart_bottom - tall:.1f}" width="{column_width}" height="{max(tall, 1):.1f}" '
                f'fill="{BAR}"/>'
                f'<text x="{middle:.1f}" y="{chart_bottom - tall - 5:.1f}" text-anchor="middle" font-size="11" '
                f'fill="#333">{escape(_pct(share))}</text>'
            )
        parts.append(
            f'<text x="{middle:.1f}" y="{chart_bottom + 16}" text-anchor="middle" font-size="11" fill="#333">'
            f"{escape(label)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
