"""The planner's Gantt chart as server-rendered SVG: one row per work center, bars per operation.

Built from escaped parts only (names and numbers pass through `escape`), so it is safe to mark
as safe in the board's template. Day view: hours of one day; week view: seven days. Each bar is
a link to its row in the operations table, named by its <title>; the chart is a labelled group,
not an image, since an image's content is not meant to hold links.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.html import escape

ROW, LABEL, WIDTH, AXIS = 34, 150, 1100, 26
# Bar fills under white work order numbers: each reads at least 5:1 (the lighter ones before,
# #5b8def, #f0a830, #6bbf73, #d9534f, read 2.0 to 3.9:1). The board's legend and status words use them.
COLOURS = {
    "planned": "#2f5fb3",
    "started": "#8a5a00",
    "finished": "#2e7d32",
    "blocked": "#b52b27",
}


def _x(moment, start, end):
    span = (end - start).total_seconds()
    return LABEL + (WIDTH - LABEL) * max(0.0, min(1.0, (moment - start).total_seconds() / span))


def _drag_data(drag, start, end):
    """The svg's data for the board's drag and drop (drag.js): window, geometry, revision, drop URL."""
    if drag is None:
        return ""
    return (
        f' data-drop-url="{escape(drag["url"])}" data-revision="{int(drag["revision"])}"'
        f' data-start="{start.isoformat()}" data-end="{end.isoformat()}"'
        f' data-left="{LABEL}" data-width="{WIDTH}" data-row="{ROW}" data-axis="{AXIS}"'
    )


def _bar_drag_data(op, drag, late):
    """A bar the planner may drag: its place, its eligible centers (pk:minutes) and its name in words."""
    if drag is None or op.status != "planned" or op.work_order.frozen:
        return ""
    eligible = " ".join(f"{pk}:{minutes}" for pk, minutes in drag["eligible"].get(op.pk, {}).items())
    when = f"{timezone.localtime(op.planned_start):%A %d %B %H:%M}–{timezone.localtime(op.planned_end):%H:%M}"
    words = f"{op.work_order.number}, {op.name}, on {op.work_center.name}, {when}" + (", late order" if late else "")
    return (
        f' data-draggable="1" data-center="{op.work_center_id}" data-op-start="{op.planned_start.isoformat()}"'
        f' data-op-end="{op.planned_end.isoformat()}" data-eligible="{eligible}" data-words="{escape(words)}"'
    )


def gantt_svg(work_centers, operations, start, end, *, late_work_orders=frozenset(), closures=None, drag=None):
    """SVG text: `operations` (with work_center, planned_start/end, status) between `start` and `end`.

    With `drag` ({"url", "revision", "eligible": {op pk: {center pk: minutes}}}) rows and planned
    bars carry what the board's drag and drop needs; without it the chart is as before.
    """
    rows = {wc.pk: index for index, wc in enumerate(work_centers)}
    height = AXIS + ROW * len(rows) + 6
    week = (end - start) > timedelta(days=1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gantt" role="group" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" aria-label="Plan per work center, {"week" if week else "day"} view"'
        f"{_drag_data(drag, start, end)}>"
    ]
    # Axis: days in the week view, every two hours in the day view.
    step = timedelta(days=1) if week else timedelta(hours=2)
    tick = start
    while tick <= end:
        x = _x(tick, start, end)
        label = timezone.localtime(tick).strftime("%a %d %b" if week else "%H:%M")
        parts.append(f'<line x1="{x:.1f}" y1="{AXIS - 6}" x2="{x:.1f}" y2="{height}" stroke="#ddd"/>')
        if tick < end:
            parts.append(f'<text x="{x + 3:.1f}" y="{AXIS - 10}" font-size="11" fill="#555">{label}</text>')
        tick += step
    now = timezone.now()
    if start <= now <= end:
        x = _x(now, start, end)
        parts.append(f'<line x1="{x:.1f}" y1="{AXIS - 6}" x2="{x:.1f}" y2="{height}" stroke="#d9534f" '
                     'stroke-dasharray="4 3"><title>now</title></line>')  # fmt: skip
    for wc in work_centers:
        y = AXIS + ROW * rows[wc.pk]
        parts.append(
            f'<rect class="gantt-row" data-center="{wc.pk}" data-name="{escape(wc.name)}" x="0" y="{y}" '
            f'width="{WIDTH}" height="{ROW}" fill="{"#fafafa" if rows[wc.pk] % 2 else "#fff"}"/>'
        )
        parts.append(f'<text x="6" y="{y + ROW / 2 + 4}" font-size="12" fill="#222">{escape(wc.name)}</text>')
        for closed_start, closed_end in (closures or {}).get(wc.pk, ()):
            x1, x2 = _x(closed_start, start, end), _x(closed_end, start, end)
            if x2 > x1:
                parts.append(f'<rect x="{x1:.1f}" y="{y}" width="{x2 - x1:.1f}" height="{ROW}" fill="#eee"/>')
    for op in operations:
        if op.work_center_id not in rows or op.planned_start is None:
            continue
        y = AXIS + ROW * rows[op.work_center_id] + 5
        x1, x2 = _x(op.planned_start, start, end), _x(op.planned_end, start, end)
        width = max(2.0, x2 - x1)
        late = op.work_order_id in late_work_orders
        stroke = ' stroke="#a00" stroke-width="2"' if late else ""
        number = escape(op.work_order.number)
        when = f"{timezone.localtime(op.planned_start):%a %H:%M}–{timezone.localtime(op.planned_end):%H:%M}"
        title = escape(
            f"{op.work_order.number} {op.name} · {op.get_status_display()} · {when}" + (" · late" if late else "")
        )
        parts.append(
            f'<a href="#op-{op.pk}"><title>{title}</title>'
            f'<g class="gantt-bar" data-operation="{op.pk}" data-status="{op.status}"{_bar_drag_data(op, drag, late)}>'
            f'<rect x="{x1:.1f}" y="{y}" width="{width:.1f}" height="{ROW - 10}" rx="3" '
            f'fill="{COLOURS.get(op.status, "#6c757d")}"{stroke}/>'
        )
        if width > 60:
            parts.append(f'<text x="{x1 + 4:.1f}" y="{y + 16}" font-size="11" fill="#fff">{number}</text>')
        parts.append("</g></a>")
    parts.append("</svg>")
    return "".join(parts)


def load_svg(rows):
    """Horizontal bars: planned minutes against open minutes per work center."""
    height = 22 * len(rows) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="load-chart" role="img" viewBox="0 0 520 {height}" '
        'width="100%" aria-label="Load per work center">'
    ]
    for index, (wc, planned, open_minutes, percent) in enumerate(rows):
        y = 4 + 22 * index
        width = 300 * min(percent, 150) / 150
        colour = COLOURS["blocked"] if percent > 100 else COLOURS["started"] if percent > 85 else COLOURS["planned"]
        parts.append(f'<text x="0" y="{y + 13}" font-size="12">{escape(wc.name)}</text>')
        parts.append(f'<rect x="160" y="{y}" width="300" height="16" fill="#eee"/>')
        parts.append(f'<rect x="160" y="{y}" width="{width:.1f}" height="16" fill="{colour}"/>')
        parts.append(f'<line x1="{160 + 200}" y1="{y - 2}" x2="{160 + 200}" y2="{y + 18}" stroke="#333"/>')
        parts.append(
            f'<text x="466" y="{y + 13}" font-size="12">{percent}%<title>{planned} of {open_minutes} open minutes'
            "</title></text>"
        )
    parts.append("</svg>")
    return "".join(parts)
