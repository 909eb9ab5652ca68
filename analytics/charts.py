"""Margin bars drawn as SVG on the server, in the house style of loyalty/charts.py (whose bars
cannot go below zero): what earns to the right of the zero line, what loses to the left in
another colour, each bar with its figure. No JavaScript; the table under each chart is its text
alternative, and the chart says so in its description. And the value classes' concentration curve."""

from itertools import pairwise

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

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


CURVE, EVEN = PALETTE[3], "#767676"


def concentration_curve(points, *, title, description="", marks=(), width=560, height=360):
    """The concentration (Lorenz-like) curve: `points` [(share of customers, share of contribution)],
    both 0..1, the best customers first, from (0, 0). The share can pass 1 (customers who cost more
    than they bring take the rest away) and the axis grows to show it. The diagonal is an even
    spread; `marks` [(share of customers, label, figure)] are dotted lines to the curve, labelled with
    the figure (the exact share of the top customers, which the drawn points only approach)."""
    left, right, top, bottom = 56, 24, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max([1.0, *(y for _, y in points)])
    lowest = min([0.0, *(y for _, y in points)])
    span = (highest - lowest) or 1

    def x_at(share):
        return left + plot_w * share

    def y_at(share):
        return top + plot_h * (highest - share) / span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="analytics-chart"><title>{escape(title)}</title>'
        f"<desc>{escape(description)}</desc>"
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(
            f'<line x1="{left}" y1="{y_at(tick):.1f}" x2="{left + plot_w}" y2="{y_at(tick):.1f}" stroke="#e3e3e3"/>'
            f'<text x="{left - 6}" y="{y_at(tick) + 4:.1f}" text-anchor="end" font-size="11" fill="#333">'
            f"{tick:.0%}</text>"
            f'<text x="{x_at(tick):.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="11" fill="#333">'
            f"{tick:.0%}</text>"
        )
    parts.append(
        f'<line x1="{x_at(0):.1f}" y1="{y_at(0):.1f}" x2="{x_at(1):.1f}" y2="{y_at(1):.1f}" stroke="{EVEN}" '
        f'stroke-dasharray="4 4"/>'
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle" font-size="12" fill="#333">'
        f"{escape(_('Share of buying customers, the best first'))}</text>"
        f'<text x="14" y="{top + plot_h / 2:.1f}" text-anchor="middle" font-size="12" fill="#333" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">{escape(_("Share of contribution"))}</text>'
    )
    if points:
        path = " ".join(f"{x_at(x):.1f},{y_at(y):.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{CURVE}" stroke-width="2.5"/>')
    for share, label, figure in marks:
        reached = _curve_at(points, share)
        if reached is None or figure is None:
            continue
        parts.append(
            f'<line x1="{x_at(share):.1f}" y1="{y_at(lowest):.1f}" x2="{x_at(share):.1f}" y2="{y_at(reached):.1f}" '
            f'stroke="#333" stroke-dasharray="2 3"/>'
            f'<circle cx="{x_at(share):.1f}" cy="{y_at(reached):.1f}" r="4" fill="{CURVE}"/>'
            f'<text x="{x_at(share) + 8:.1f}" y="{y_at(reached) + 14:.1f}" font-size="12" fill="#333">'
            f"{escape(label)}: {figure:.0%}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _curve_at(points, share):
    """The curve's height at `share` of the customers, between its two nearest points."""
    for (x0, y0), (x1, y1) in pairwise(points):
        if x0 <= share <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (share - x0) / (x1 - x0)
    return None
