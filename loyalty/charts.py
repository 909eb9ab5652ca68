"""Server-rendered SVG bar charts: no JavaScript, readable by screen readers (a table follows each)."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

PALETTE = ["#5b7f5f", "#b9975b", "#8a6e99", "#4f7a94", "#c0694e", "#7d7d7d"]


def bar_chart(rows, *, title, width=520, bar_height=26, gap=10, label_width=170):
    """`rows`: [(label, count)]. Horizontal bars scaled to the largest count."""
    largest = max((count for _, count in rows), default=0) or 1
    height = len(rows) * (bar_height + gap) + gap
    room = width - label_width - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="loyalty-chart"><title>{escape(title)}</title>'
    ]
    for index, (label, count) in enumerate(rows):
        y = gap + index * (bar_height + gap)
        length = round(room * count / largest)
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.68:.0f}" text-anchor="end" font-size="13" '
            f'fill="#333">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{max(length, 1)}" height="{bar_height}" rx="3" fill="{colour}"/>'
            f'<text x="{label_width + length + 6}" y="{y + bar_height * 0.68:.0f}" font-size="13" '
            f'fill="#333">{count:,}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
