"""A bar chart drawn on the server as SVG: no script, no CDN. The chart is
an image with a title and a description; the page always puts the table with
every number next to it, which is the text equivalent."""

from markupsafe import Markup, escape

BAR_FILL = "#1f5fa8"  # 7:1 against white
INK = "#333333"


def _fmt(number):
    return f"{number:,}"


def _text_width(text, font_size=11):
    """A rough width in pixels: wide (CJK) characters take a full em."""
    return sum(font_size if ord(ch) > 0x2E80 else font_size * 0.6 for ch in text)


def _opening(chart_id, title, description, width, height):
    cid = escape(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dl-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
        f'aria-labelledby="{cid}-title {cid}-desc">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
        f'<g aria-hidden="true" font-family="sans-serif" font-size="11" fill="{INK}">',
    ]


def _horizontal_chart(labels, values, *, chart_id, title, description, width):
    """One bar a row, its label on the left and its value at its end."""
    row, top = 24, 8
    label_w = min(width / 2, max((_text_width(label) for label in labels), default=0) + 8)
    value_w = max((_text_width(_fmt(v)) for v in values), default=0) + 8
    plot_w = width - label_w - value_w
    height = top * 2 + row * max(len(values), 1)
    peak = max(values, default=0)
    parts = _opening(chart_id, title, description, width, height)
    parts.append(f'<line x1="{label_w:.1f}" y1="{top}" x2="{label_w:.1f}" '
                 f'y2="{height - top}" stroke="{INK}"/>')
    for i, (label, value) in enumerate(zip(labels, values)):
        y = top + i * row
        bar_w = 0 if peak == 0 else plot_w * value / peak
        parts.append(
            f'<text x="{label_w - 4:.1f}" y="{y + row / 2 + 4:.1f}" text-anchor="end">'
            f'{escape(label)}</text>'
            f'<rect x="{label_w:.1f}" y="{y + 4}" width="{bar_w:.1f}" height="{row - 8}" '
            f'fill="{BAR_FILL}"><title>{escape(label)}: {_fmt(value)}</title></rect>'
            f'<text x="{label_w + bar_w + 4:.1f}" y="{y + row / 2 + 4:.1f}">{_fmt(value)}</text>')
    parts.append("</g></svg>")
    return Markup("".join(parts))


def bar_chart(labels, values, *, chart_id, title, description, width=640, height=220,
              label_every=None):
    """``labels`` and ``values`` side by side, one bar each. ``chart_id``
    makes the title/desc ids unique on the page. Returns safe markup."""
    labels = [str(label) for label in labels]
    values = [int(v) for v in values]
    if len(labels) != len(values):
        raise ValueError("a bar chart needs as many labels as values")
    n = max(len(values), 1)
    every = label_every or max(1, -(-n // 10))  # at most ten labels on the axis
    top, bottom, left, right = 20, 40, 44, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / n
    if any(_text_width(label) > slot * every * 0.9 for label in labels[::every]):
        # labels wider than their bar would run into each other: bars go across
        return _horizontal_chart(labels, values, chart_id=chart_id, title=title,
                                 description=description, width=width)
    peak = max(values, default=0)
    bar_w = max(1.0, slot * 0.75)
    parts = _opening(chart_id, title, description, width, height) + [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        f'stroke="{INK}"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{_fmt(peak)}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>',
    ]
    for i, (label, value) in enumerate(zip(labels, values)):
        bar_h = 0 if peak == 0 else plot_h * value / peak
        x = left + i * slot + (slot - bar_w) / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{bar_w:.1f}" '
            f'height="{bar_h:.1f}" fill="{BAR_FILL}"><title>{escape(label)}: '
            f'{_fmt(value)}</title></rect>')
        if i % every == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 14}" '
                         f'text-anchor="middle">{escape(label)}</text>')
    parts.append("</g></svg>")
    return Markup("".join(parts))
