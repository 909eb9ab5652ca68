"""The what-if's load chart: per work center, the live plan's load and the what-if's, side by
side as horizontal bars (server-rendered SVG, a line at 100%)."""

from html import escape

LIVE, CHANGED = "#6c757d", "#2d5fc4"


def load_comparison_svg(rows, *, width=560):
    """rows: (label, live percent, what-if percent)."""
    label_width, bar_height, gap = 150, 9, 8
    scale_max = max([100, *(max(a, b) for _, a, b in rows)])
    usable = width - label_width - 50
    height = len(rows) * (2 * bar_height + gap) + 24
    hundred = label_width + usable * 100 / scale_max
    parts = [
        f'<svg role="img" aria-labelledby="load-cmp-title" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" font-size="11">',
        '<title id="load-cmp-title">Load per work center over the coming week: '
        "live plan (grey) and what-if (blue)</title>",
    ]
    for i, (label, live, changed) in enumerate(rows):
        y = 4 + i * (2 * bar_height + gap)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height + 3}" text-anchor="end">{escape(str(label))}</text>'
        )
        for k, (value, colour) in enumerate(((live, LIVE), (changed, CHANGED))):
            length = usable * value / scale_max
            top = y + k * bar_height
            parts.append(
                f'<rect x="{label_width}" y="{top}" width="{length:.1f}" height="{bar_height - 1}" fill="{colour}"/>'
            )
            parts.append(f'<text x="{label_width + length + 4:.1f}" y="{top + bar_height - 1}">{value}%</text>')
    parts.append(
        f'<line x1="{hundred:.1f}" x2="{hundred:.1f}" y1="0" y2="{height - 16}" stroke="#a00" stroke-dasharray="3 2"/>'
    )
    parts.append(f'<text x="{hundred:.1f}" y="{height - 4}" text-anchor="middle">100%</text>')
    parts.append("</svg>")
    return "".join(parts)
