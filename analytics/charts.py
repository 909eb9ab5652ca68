"""Margin bars drawn as SVG on the server, in the house style of loyalty/charts.py (whose bars
cannot go below zero): what earns to the right of the zero line, what loses to the left in
another colour, each bar with its figure. No JavaScript; the table under each chart is its text
alternative, and the chart says so in its description."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from loyalty.charts import PALETTE

EARNS, LOSES = PALETTE[0], PALETTE[4]


def margin_bars(rows, *, title, description="", width=640, bar_height=22, gap=8, label_width=220):
    """`rows`: [(label, amount)], amounts signed (Decimal or int). Horizontal bars from one zero
    line, scaled to the largest amount either side."""
    values = [float(amount) for _, amount in rows]
    most = max((v for v in values if v > 0), default=0)
    least = min((v for v in values if v < 0), default=0)
    span = (most - least) or 1
    room = width - label_width - 140  # the figures' room on both sides
    zero = label_width + 70 + room * (-least) / span
    height = len(rows) * (bar_height + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="analytics-chart"><title>{escape(title)}</title>'
        f"<desc>{escape(description)}</desc>"
    ]
    for index, ((label, amount), value) in enumerate(zip(rows, values, strict=True)):
        y = gap + index * (bar_height + gap)
        length = room * abs(value) / span
        x = zero if value >= 0 else zero - length
        figure_x, anchor = (zero + length + 6, "start") if value >= 0 else (zero - length - 6, "end")
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.0f}" text-anchor="end" font-size="12" '
            f'fill="#333">{escape(label)}</text>'
            f'<rect x="{x:.1f}" y="{y}" width="{max(length, 1):.1f}" height="{bar_height}" rx="2" '
            f'fill="{EARNS if value >= 0 else LOSES}"/>'
            f'<text x="{figure_x:.1f}" y="{y + bar_height * 0.7:.0f}" text-anchor="{anchor}" font-size="12" '
            f'fill="#333">{escape(_figure(amount))}</text>'
        )
    parts.append(f'<line x1="{zero:.1f}" y1="0" x2="{zero:.1f}" y2="{height}" stroke="#555"/></svg>')
    return mark_safe("".join(parts))


def _figure(amount):
    return f"{amount:,.2f}".replace("-", "−")
