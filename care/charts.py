"""Column charts by week for the care reports, drawn as SVG on the server like loyalty/charts.py
(whose horizontal bars the reports reuse): no JavaScript, and a table follows each chart."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from loyalty.charts import PALETTE


def week_columns(labels, series, *, title, unit="", width=640, height=200):
    """`labels`: one per week; `series`: [(name, [value or None per week])], drawn side by side."""
    top, bottom, left = 24, 36, 8
    largest = max((value for _, values in series for value in values if value is not None), default=0) or 1
    slot = (width - left) / max(len(labels), 1)
    bar = max(min(slot / (len(series) + 1), 28), 2)
    room = height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="care-chart"><title>{escape(title)}</title>'
    ]
    for index, (name, _values) in enumerate(series):  # the legend
        x = left + index * 170
        parts.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{PALETTE[index % len(PALETTE)]}"/>'
            f'<text x="{x + 16}" y="15" font-size="12" fill="#333">{escape(name)}</text>'
        )
    for week, label in enumerate(labels):
        x0 = left + week * slot + bar / 2
        for index, (_name, values) in enumerate(series):
            value = values[week]
            if value is None:
                continue
            length = room * value / largest
            parts.append(
                f'<rect x="{x0 + index * bar:.1f}" y="{top + room - length:.1f}" width="{bar - 1:.1f}" '
                f'height="{max(length, 1):.1f}" fill="{PALETTE[index % len(PALETTE)]}">'
                f"<title>{escape(label)}, {escape(_name)}: {value:g}{escape(unit)}</title></rect>"
            )
        if len(labels) <= 16 or week % 4 == 0:
            parts.append(
                f'<text x="{x0:.1f}" y="{height - bottom + 16}" font-size="11" fill="#333">{escape(label)}</text>'
            )
    parts.append(
        f'<line x1="{left}" y1="{top + room}" x2="{width}" y2="{top + room}" stroke="#999"/>'
        f'<text x="{width - 4}" y="{top + 10}" text-anchor="end" font-size="11" fill="#555">'
        f"max {largest:g}{escape(unit)}</text></svg>"
    )
    return mark_safe("".join(parts))
