"""A bar chart drawn on the server as SVG: no script, no CDN. The chart is
an image with a title and a description; the page always puts the table with
every number next to it, which is the text equivalent."""

from markupsafe import Markup, escape

BAR_FILL = "#1f5fa8"  # 7:1 against white
INK = "#333333"


def _fmt(number):
    return f"{number:,}"


def bar_chart(labels, values, *, chart_id, title, description, width=640, height=220,
              label_every=None):
    """``labels`` and ``values`` side by side, one bar each. ``chart_id``
    makes the title/desc ids unique on the page. Returns safe markup."""
    labels = [str(label) for label in labels]
    values = [int(v) for v in values]
    if len(labels) != len(values):
        raise ValueError("a bar chart needs as many labels as values")
    top, bottom, left, right = 20, 40, 44, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(values, default=0)
    n = max(len(values), 1)
    slot = plot_w / n
    bar_w = max(1.0, slot * 0.75)
    every = label_every or max(1, -(-n // 10))  # at most ten labels on the axis
    cid = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dl-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
        f'aria-labelledby="{cid}-title {cid}-desc">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
        f'<g aria-hidden="true" font-family="sans-serif" font-size="11" fill="{INK}">',
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
