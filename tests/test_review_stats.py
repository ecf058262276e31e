"""The statistics page as a phone shows it: visible chart titles, numbers
and dates that never break inside, tables that scroll on their own, and a
note on why the categories' participants add up to more than the total."""

import re

from tests.test_stats import ADMIN, PAGES, as_member, client, seeded  # noqa: F401  (fixtures)


def test_stats_page_titles_each_chart_visibly_and_keeps_numbers_whole(seeded):
    html = as_member(seeded.test_client(), ADMIN).get(f"{PAGES}/stats").get_data(as_text=True)

    titles = re.findall(r'<figcaption class="dl-figure-title">([^<]+)</figcaption>', html)
    assert len(titles) == html.count("<svg") == 4
    for title in titles:  # the visible title is the chart's own title
        assert f">{title}</title>" in html
    for table in ("dl-by_day", "dl-by_category", "dl-by_day_and_category"):
        before = html.split(f'<table class="dl-table" id="{table}">', 1)[0]
        assert re.search(r'<div class="dl-table-wrap" role="region" tabindex="0" '
                         r'aria-label="[^"]+">\s*$', before), f"{table} scrolls on its own"
    tables = html.split("<table", 1)[1]
    assert '<td class="dl-num">' in tables and not re.search(r"<td>[\d,]+</td>", tables)
    assert '<th scope="row" class="dl-num"><time' in html


def test_stats_page_explains_why_categories_add_up_to_more_than_all(seeded):
    html = as_member(seeded.test_client(), ADMIN).get(f"{PAGES}/stats").get_data(as_text=True)

    after = html.split('id="dl-by_category"', 1)[1].split("</table>", 1)[1]
    note = after.split("<p", 2)[1]
    assert "여러 분야에 참여한 사람은 전체에서 한 번만 셉니다." in note


def test_category_chart_lays_its_bars_across_when_labels_are_long(seeded):
    html = as_member(seeded.test_client(), ADMIN).get(f"{PAGES}/stats").get_data(as_text=True)

    chart = html.split('aria-labelledby="dl-chart-categories-title', 1)[1].split("</svg>", 1)[0]
    assert 'text-anchor="middle"' not in chart  # no labels side by side under the bars
