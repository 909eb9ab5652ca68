"""A server-rendered SVG bar chart: conversion of reminded customers against the control group."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, BAR_HEIGHT, GAP, LABEL_WIDTH, PAD = 720, 12, 14, 230, 8


def conversion_chart(stats):
    """Two bars per reminder type (reminded, control); types with nothing measured are left out."""
    rows = [s for s in stats if s.sent or s.control]
    if not rows:
        return ""
    top = max([s.conversion_rate or 0 for s in rows] + [s.control_rate or 0 for s in rows] + [0.01])
    plot = WIDTH - LABEL_WIDTH - 60
    height = PAD * 2 + 24 + len(rows) * (2 * BAR_HEIGHT + GAP)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="reminder-chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="reminder-chart-title">',
        '<title id="reminder-chart-title">Conversion within 7 days: reminded customers against the control group'
        "</title>",
        f'<rect x="{LABEL_WIDTH}" y="{PAD}" width="12" height="10" fill="#2f6f5e"/>'
        f'<text x="{LABEL_WIDTH + 18}" y="{PAD + 9}" font-size="11">reminded</text>'
        f'<rect x="{LABEL_WIDTH + 100}" y="{PAD}" width="12" height="10" fill="#c9b79c"/>'
        f'<text x="{LABEL_WIDTH + 118}" y="{PAD + 9}" font-size="11">control group</text>',
    ]
    y = PAD + 24
    for s in rows:
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT + 3}" font-size="12" text-anchor="end">'
            f"{escape(s.label)}</text>"
        )
        for offset, rate, colour in ((0, s.conversion_rate, "#2f6f5e"), (BAR_HEIGHT, s.control_rate, "#c9b79c")):
            value = rate or 0
            width = max(1, round(plot * value / top))
            text = "–" if rate is None else f"{value:.1%}"
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + offset}" width="{width}" height="{BAR_HEIGHT - 1}" fill="{colour}"/>'
                f'<text x="{LABEL_WIDTH + width + 4}" y="{y + offset + BAR_HEIGHT - 2}" font-size="10">{text}</text>'
            )
        y += 2 * BAR_HEIGHT + GAP
    parts.append("</svg>")
    return mark_safe("".join(parts))
