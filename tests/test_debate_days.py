"""A debate's participants per day and its open data's dates are counted in
the site's time zone (Asia/Seoul by default), as people there lived the
days: a ballot at 00:08 in Seoul belongs to that day, not to the previous
UTC day."""

from datetime import datetime, timedelta, timezone

from deliberation.debates.queries import open_data_rows, results_of
from tests.test_debates import ask, vote

SEOUL = timezone(timedelta(hours=9))


def test_a_ballot_just_after_midnight_in_seoul_counts_on_the_seoul_day(session, clock):
    question = ask(session, starts_at=datetime(2026, 3, 3, 0, 0, tzinfo=SEOUL),
                   ends_at=datetime(2026, 4, 2, 0, 0, tzinfo=SEOUL))
    clock.set(datetime(2026, 3, 3, 0, 8, tzinfo=SEOUL))  # 2026-03-02 15:08 UTC
    vote(session, question.id, 2)
    clock.set(datetime(2026, 3, 3, 23, 50, tzinfo=SEOUL))
    vote(session, question.id, 3)

    over_time = results_of(session, question.id).over_time

    assert [(day.isoformat(), new, total) for day, new, total in over_time] == [
        ("2026-03-03", 2, 2)]
    assert [row["created_on"] for row in open_data_rows(session, question.id)] == [
        "2026-03-03", "2026-03-03"]
