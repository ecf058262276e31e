"""Pages given an id no table can hold answer with the page's own 'No
such ...' (404), and a form with such a number answers 422: never a 500."""

import pytest

from tests.test_pages import PAGES, anonymous, author, members  # noqa: F401 (fixtures)

HUGE = "99999999999999999999"


@pytest.mark.parametrize("path, words", [
    (f"{PAGES}/{HUGE}", "그런 제안이 없습니다."),
    (f"{PAGES}/2147483648", "그런 제안이 없습니다."),
    (f"{PAGES}/debates/{HUGE}", "그런 토론이 없습니다."),
    (f"{PAGES}/meetings/{HUGE}", "그런 간담회가 없습니다."),
])
def test_a_page_for_an_id_no_table_can_hold_is_not_found(anonymous, path, words):
    answer = anonymous.get(path)

    assert answer.status_code == 404
    assert words in answer.get_data(as_text=True)


def test_logging_in_from_a_page_returns_to_it_without_a_stray_question_mark(anonymous):
    answer = anonymous.get(f"{PAGES}/me")

    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("next=/proposals/me")
