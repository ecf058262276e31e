"""The escalation ladder as pure rules: presets, windows, periods and the
configuration that builds a ladder (or refuses to)."""

from datetime import datetime, timedelta, timezone

import pytest

from deliberation import ConfigurationError, Ladder, Metric, Period, Rule, Step
from deliberation.threshold import (
    PRESETS, SEOUL_2017, SEOUL_2020, UK_PETITIONS, WE_THE_PEOPLE, dump_ladder, load_ladder,
)
from deliberation.threshold.progress import progress_of

PUBLISHED = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
SECOND = timedelta(seconds=1)


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def ladder_config(**overrides):
    config = {
        "name": "town",
        "collection": "60 days",
        "rules": [
            {"step": "department_answer", "metric": "agreements", "count": 20,
             "within": "30 days", "answer_due": "2 weeks"},
            {"step": "agenda_committee", "metric": "agreements", "count": 200},
            {"step": "mayor_answer", "metric": "debate_participants", "count": 300},
        ],
    }
    config.update(overrides)
    return config


def rule_config(step, count, metric="agreements", **extra):
    return {"step": step, "metric": metric, "count": count, **extra}


def refusal(value):
    with pytest.raises(ConfigurationError) as caught:
        load_ladder(value)
    return caught.value


# -- presets ------------------------------------------------------------------


def test_presets_are_registered_under_their_own_names_when_looked_up():
    assert set(PRESETS) == {"seoul_2017", "seoul_2020", "uk_petitions", "we_the_people"}
    for name, ladder in PRESETS.items():
        assert ladder.name == name
        assert load_ladder(name) is ladder


def test_seoul_2017_climbs_50_500_5000_when_loaded():
    ladder = load_ladder("seoul_2017")
    assert ladder.steps == [Step.DEPARTMENT_ANSWER, Step.AGENDA_COMMITTEE, Step.MAYOR_ANSWER]
    assert [(r.metric, r.count) for r in ladder.rules] == [
        (Metric.AGREEMENTS, 50), (Metric.AGREEMENTS, 500), (Metric.DEBATE_PARTICIPANTS, 5000)]
    department = ladder.rule_for(Step.DEPARTMENT_ANSWER)
    assert department.within == Period(days=30)
    assert department.answer_due == Period(months=1)
    assert ladder.rule_for(Step.AGENDA_COMMITTEE).within is None
    assert ladder.collection == Period(days=30)
    assert ladder.keep_collecting_after == Step.DEPARTMENT_ANSWER


def test_seoul_2020_needs_only_100_for_debate_and_1000_for_the_mayor_when_loaded():
    ladder = load_ladder("seoul_2020")
    assert [(r.step, r.metric, r.count) for r in ladder.rules] == [
        (Step.DEPARTMENT_ANSWER, Metric.AGREEMENTS, 50),
        (Step.AGENDA_COMMITTEE, Metric.AGREEMENTS, 100),
        (Step.MAYOR_ANSWER, Metric.DEBATE_PARTICIPANTS, 1000),
    ]
    assert ladder.rule_for(Step.DEPARTMENT_ANSWER).within == Period(days=30)
    assert ladder.rule_for(Step.DEPARTMENT_ANSWER).answer_due == Period(months=1)
    assert ladder.collection == Period(days=30)


def test_uk_petitions_collect_six_months_for_10000_and_100000_when_loaded():
    ladder = load_ladder("uk_petitions")
    assert [(r.step, r.count) for r in ladder.rules] == [
        (Step.DEPARTMENT_ANSWER, 10_000), (Step.AGENDA_COMMITTEE, 100_000)]
    assert all(r.metric == Metric.AGREEMENTS and r.within is None for r in ladder.rules)
    assert ladder.collection == Period(months=6)
    assert ladder.keep_collecting_after is None
    assert ladder.collection_ends_at(PUBLISHED) == utc(2026, 9, 2, 9, 0)


def test_we_the_people_needs_100000_within_30_days_when_loaded():
    ladder = load_ladder("we_the_people")
    assert len(ladder.rules) == 1
    rule = ladder.rules[0]
    assert (rule.step, rule.metric, rule.count, rule.within) == (
        Step.DEPARTMENT_ANSWER, Metric.AGREEMENTS, 100_000, Period(days=30))
    assert not rule.is_met(99_999, PUBLISHED, PUBLISHED + timedelta(days=1))
    assert rule.is_met(100_000, PUBLISHED, PUBLISHED + timedelta(days=1))


# -- thresholds and windows ----------------------------------------------------


def test_department_answer_is_not_met_when_49_agreements():
    rule = SEOUL_2017.rule_for(Step.DEPARTMENT_ANSWER)
    assert not rule.is_met(49, PUBLISHED, PUBLISHED + timedelta(days=1))
    assert SEOUL_2017.rules_met(Metric.AGREEMENTS, 49, PUBLISHED, PUBLISHED) == []


def test_department_answer_is_met_when_exactly_50_agreements():
    rule = SEOUL_2017.rule_for(Step.DEPARTMENT_ANSWER)
    assert rule.is_met(50, PUBLISHED, PUBLISHED + timedelta(days=1))
    assert SEOUL_2017.rules_met(Metric.AGREEMENTS, 50, PUBLISHED, PUBLISHED) == [rule]


def test_window_counts_its_last_second_when_50_arrive_just_before_day_30_ends():
    rule = SEOUL_2017.rule_for(Step.DEPARTMENT_ANSWER)
    end = PUBLISHED + timedelta(days=30)
    assert rule.window_ends_at(PUBLISHED) == end
    assert rule.is_met(50, PUBLISHED, end - SECOND)


def test_window_is_over_when_50_arrive_at_the_exact_end_or_later():
    rule = SEOUL_2017.rule_for(Step.DEPARTMENT_ANSWER)
    end = PUBLISHED + timedelta(days=30)
    assert not rule.is_met(50, PUBLISHED, end)
    assert not rule.is_met(5000, PUBLISHED, end + SECOND)
    assert SEOUL_2017.rules_met(Metric.AGREEMENTS, 50, PUBLISHED, end) == []


def test_rule_without_window_is_met_when_count_arrives_late():
    rule = SEOUL_2017.rule_for(Step.AGENDA_COMMITTEE)
    assert rule.window_ends_at(PUBLISHED) is None
    assert rule.is_met(500, PUBLISHED, PUBLISHED + timedelta(days=400))
    assert not rule.is_met(499, PUBLISHED, PUBLISHED + timedelta(days=1))


def test_rules_met_skips_steps_already_reached_when_count_passes_several():
    met = SEOUL_2017.rules_met(Metric.AGREEMENTS, 600, PUBLISHED, PUBLISHED + SECOND)
    assert [r.step for r in met] == [Step.DEPARTMENT_ANSWER, Step.AGENDA_COMMITTEE]
    met = SEOUL_2017.rules_met(Metric.AGREEMENTS, 600, PUBLISHED, PUBLISHED + SECOND,
                               reached=(Step.DEPARTMENT_ANSWER,))
    assert [r.step for r in met] == [Step.AGENDA_COMMITTEE]


def test_rules_met_ignores_other_metrics_when_agreements_are_counted():
    met = SEOUL_2017.rules_met(Metric.AGREEMENTS, 10_000, PUBLISHED, PUBLISHED + SECOND)
    assert Step.MAYOR_ANSWER not in [r.step for r in met]
    met = SEOUL_2017.rules_met(Metric.DEBATE_PARTICIPANTS, 5000, PUBLISHED, PUBLISHED)
    assert [r.step for r in met] == [Step.MAYOR_ANSWER]


def test_answer_is_due_one_calendar_month_later_when_department_step_is_reached():
    rule = SEOUL_2017.rule_for(Step.DEPARTMENT_ANSWER)
    assert rule.due_at(utc(2026, 3, 20, 14, 30)) == utc(2026, 4, 20, 14, 30)
    assert rule.due_at(utc(2026, 1, 31, 8, 0)) == utc(2026, 2, 28, 8, 0)
    assert SEOUL_2017.rule_for(Step.AGENDA_COMMITTEE).due_at(PUBLISHED) is None


def test_steps_keep_their_ladder_order_when_ranked():
    assert [s.rank for s in Step] == [1, 2, 3]
    assert Step.DEPARTMENT_ANSWER.rank < Step.AGENDA_COMMITTEE.rank < Step.MAYOR_ANSWER.rank


def test_collection_continues_when_the_keep_collecting_step_is_reached():
    assert not SEOUL_2017.keeps_collecting(())
    assert SEOUL_2017.keeps_collecting((Step.DEPARTMENT_ANSWER,))
    assert not UK_PETITIONS.keeps_collecting((Step.DEPARTMENT_ANSWER, Step.AGENDA_COMMITTEE))


# -- periods -------------------------------------------------------------------


@pytest.mark.parametrize("text, period", [
    ("30 days", Period(days=30)),
    ("1 day", Period(days=1)),
    ("2 weeks", Period(days=14)),
    ("1 week", Period(days=7)),
    ("1 month", Period(months=1)),
    ("6 months", Period(months=6)),
    ("  12 months ", Period(months=12)),
    ("30days", Period(days=30)),
])
def test_period_is_read_when_text_names_an_amount_and_unit(text, period):
    assert Period.parse(text) == period


@pytest.mark.parametrize("text", [
    "", "days", "30", "thirty days", "0 days", "0 months", "-1 days", "1.5 months",
    "3 fortnights", "1 year", "30 days 1 month",
])
def test_period_is_refused_when_text_is_not_a_positive_whole_amount(text):
    with pytest.raises(ValueError, match="period|longer than zero"):
        Period.parse(text)


@pytest.mark.parametrize("start, months, end", [
    (utc(2026, 1, 31, 9), 1, utc(2026, 2, 28, 9)),
    (utc(2024, 1, 31, 9), 1, utc(2024, 2, 29, 9)),
    (utc(2026, 3, 31, 9), 1, utc(2026, 4, 30, 9)),
    (utc(2026, 8, 31, 9), 6, utc(2027, 2, 28, 9)),
    (utc(2026, 12, 15, 23, 59, 59), 1, utc(2027, 1, 15, 23, 59, 59)),
    (utc(2026, 3, 2, 9), 6, utc(2026, 9, 2, 9)),
])
def test_months_end_on_the_same_day_or_the_last_day_when_the_month_is_shorter(
        start, months, end):
    assert Period(months=months).after(start) == end


def test_days_are_exact_24_hour_days_when_a_window_crosses_a_month_end():
    assert Period(days=30).after(utc(2026, 2, 1, 9)) == utc(2026, 3, 3, 9)
    assert Period(days=30).after(utc(2024, 2, 1, 9)) == utc(2024, 3, 2, 9)


def test_period_reads_back_as_text_when_printed():
    assert str(Period(days=30)) == "30 days"
    assert str(Period(days=1)) == "1 day"
    assert str(Period(months=1)) == "1 month"
    assert str(Period(months=6)) == "6 months"
    assert Period.parse(str(Period(months=6))) == Period(months=6)


# -- progress ------------------------------------------------------------------


def test_progress_points_at_department_answer_when_nothing_is_reached():
    progress = progress_of(SEOUL_2017, agreement_count=20, published_at=PUBLISHED, reached=())
    assert progress.next_step == Step.DEPARTMENT_ANSWER
    assert (progress.current, progress.needed, progress.remaining) == (20, 50, 30)
    assert progress.percent == 40
    assert progress.window_ends_at == PUBLISHED + timedelta(days=30)


def test_progress_has_no_window_when_the_proposal_is_unpublished():
    progress = progress_of(SEOUL_2017, agreement_count=0, published_at=None, reached=())
    assert progress.window_ends_at is None
    assert progress.percent == 0


def test_progress_caps_at_100_percent_when_the_count_overshoots():
    progress = progress_of(SEOUL_2017, agreement_count=80, published_at=PUBLISHED, reached=())
    assert progress.percent == 100
    assert progress.remaining == 0


def test_progress_moves_to_the_next_rule_when_a_step_is_reached():
    progress = progress_of(SEOUL_2020, agreement_count=60, published_at=PUBLISHED,
                           reached=[Step.DEPARTMENT_ANSWER])
    assert progress.reached == (Step.DEPARTMENT_ANSWER,)
    assert (progress.next_step, progress.needed, progress.remaining) == (
        Step.AGENDA_COMMITTEE, 100, 40)
    assert progress.window_ends_at is None


def test_progress_counts_debate_participants_when_the_mayor_step_is_next():
    reached = (Step.DEPARTMENT_ANSWER, Step.AGENDA_COMMITTEE)
    progress = progress_of(SEOUL_2017, agreement_count=900, published_at=PUBLISHED,
                           reached=reached, debate_participants=1250)
    assert (progress.metric, progress.current, progress.needed) == (
        Metric.DEBATE_PARTICIPANTS, 1250, 5000)
    assert progress.percent == 25
    unknown = progress_of(SEOUL_2017, agreement_count=900, published_at=PUBLISHED,
                          reached=reached)
    assert unknown.remaining is None and unknown.percent == 0


def test_progress_is_complete_when_every_step_is_reached():
    progress = progress_of(WE_THE_PEOPLE, agreement_count=100_001, published_at=PUBLISHED,
                           reached=(Step.DEPARTMENT_ANSWER,))
    assert progress.next_step is None
    assert progress.remaining is None
    assert progress.percent == 100


# -- custom ladders -------------------------------------------------------------


def test_custom_ladder_is_built_when_config_is_a_valid_mapping():
    ladder = load_ladder(ladder_config(keep_collecting_after="department_answer",
                                       label="Our town"))
    assert isinstance(ladder, Ladder)
    assert (ladder.name, ladder.label) == ("town", "Our town")
    assert ladder.collection == Period(days=60)
    assert ladder.keep_collecting_after == Step.DEPARTMENT_ANSWER
    assert ladder.rules[0] == Rule(Step.DEPARTMENT_ANSWER, Metric.AGREEMENTS, 20,
                                   within=Period(days=30), answer_due=Period(days=14))
    assert isinstance(ladder.rules, tuple)
    assert ladder.rules_met(Metric.AGREEMENTS, 20, PUBLISHED, PUBLISHED + timedelta(days=29))
    assert not ladder.rules_met(Metric.AGREEMENTS, 19, PUBLISHED, PUBLISHED)


def test_custom_ladder_collects_30_days_when_collection_is_left_out():
    config = ladder_config()
    del config["collection"]
    assert load_ladder(config).collection == Period(days=30)


def test_custom_ladder_may_skip_steps_when_they_stay_in_order():
    ladder = load_ladder(ladder_config(rules=[
        rule_config("department_answer", 5), rule_config("mayor_answer", 50)]))
    assert ladder.steps == [Step.DEPARTMENT_ANSWER, Step.MAYOR_ANSWER]


def test_ladder_object_is_used_as_is_when_given_directly():
    assert load_ladder(UK_PETITIONS) is UK_PETITIONS


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_survives_a_round_trip_when_dumped_and_loaded(name):
    assert load_ladder(dump_ladder(PRESETS[name])) == PRESETS[name]


# -- refusals -------------------------------------------------------------------


def test_config_is_refused_when_the_preset_name_is_unknown():
    error = refusal("seoul_2099")
    assert "DELIBERATION_LADDER" in error.message
    assert "seoul_2099" in error.message
    assert "seoul_2017" in error.message  # says what would have been accepted


@pytest.mark.parametrize("value", [42, None, ["seoul_2017"], ("seoul_2017",)])
def test_config_is_refused_when_it_is_neither_a_name_nor_a_mapping(value):
    assert "DELIBERATION_LADDER" in refusal(value).message


def test_config_is_refused_when_steps_are_out_of_order():
    error = refusal(ladder_config(rules=[
        rule_config("agenda_committee", 10), rule_config("department_answer", 100)]))
    assert list(error.fields) == ["rules"]
    assert "order" in error.fields["rules"][0]


def test_config_is_refused_when_a_step_appears_twice():
    error = refusal(ladder_config(rules=[
        rule_config("department_answer", 10), rule_config("department_answer", 100)]))
    assert list(error.fields) == ["rules"]
    assert "only once" in error.fields["rules"][0]


@pytest.mark.parametrize("count", [0, -5])
def test_config_is_refused_when_a_count_is_not_positive(count):
    error = refusal(ladder_config(rules=[rule_config("department_answer", count)]))
    assert error.fields == {"rules": {0: {"count": ["Must be greater than or equal to 1."]}}}


@pytest.mark.parametrize("count", ["50", 50.5, True, None])
def test_config_is_refused_when_a_count_is_not_a_whole_number(count):
    error = refusal(ladder_config(rules=[rule_config("department_answer", count)]))
    assert "count" in error.fields["rules"][0]


@pytest.mark.parametrize("second", [100, 99])
def test_config_is_refused_when_counts_do_not_increase(second):
    error = refusal(ladder_config(rules=[
        rule_config("department_answer", 100), rule_config("agenda_committee", second)]))
    assert list(error.fields) == ["rules"]
    assert "agenda_committee needs more agreements" in error.fields["rules"][0]


def test_config_allows_a_smaller_count_when_the_metric_differs():
    ladder = load_ladder(ladder_config(rules=[
        rule_config("department_answer", 100),
        rule_config("agenda_committee", 10, metric="debate_participants")]))
    assert [r.count for r in ladder.rules] == [100, 10]


@pytest.mark.parametrize("field", ["within", "answer_due"])
def test_config_is_refused_when_a_rule_period_is_bad_text(field):
    error = refusal(ladder_config(rules=[
        rule_config("department_answer", 10, **{field: "a fortnight"})]))
    assert field in error.fields["rules"][0]
    assert "a fortnight" in error.fields["rules"][0][field][0]


@pytest.mark.parametrize("text", ["forever", "0 days", "1 year"])
def test_config_is_refused_when_the_collection_period_is_bad_text(text):
    error = refusal(ladder_config(collection=text))
    assert list(error.fields) == ["collection"]
    assert text in error.fields["collection"][0]


def test_config_is_refused_when_keep_collecting_after_names_a_step_not_in_the_ladder():
    error = refusal(ladder_config(
        rules=[rule_config("department_answer", 10)], keep_collecting_after="mayor_answer"))
    assert error.fields == {"keep_collecting_after": ["must name a step of this ladder"]}


def test_config_is_refused_when_keep_collecting_after_is_not_a_step_at_all():
    error = refusal(ladder_config(keep_collecting_after="debate"))
    assert list(error.fields) == ["keep_collecting_after"]


@pytest.mark.parametrize("rule, field", [
    ({"step": "referendum", "metric": "agreements", "count": 10}, "step"),
    ({"step": "department_answer", "metric": "likes", "count": 10}, "metric"),
    ({"metric": "agreements", "count": 10}, "step"),
    ({"step": "department_answer", "count": 10}, "metric"),
    ({"step": "department_answer", "metric": "agreements"}, "count"),
])
def test_config_is_refused_when_a_rule_field_is_missing_or_unknown(rule, field):
    error = refusal(ladder_config(rules=[rule]))
    assert field in error.fields["rules"][0]


def test_config_is_refused_when_there_are_no_rules():
    assert "rules" in refusal(ladder_config(rules=[])).fields


def test_config_is_refused_when_the_name_is_missing():
    config = ladder_config()
    del config["name"]
    assert list(refusal(config).fields) == ["name"]


def test_config_is_refused_when_it_has_an_unknown_key():
    error = refusal(ladder_config(threshold=50))
    assert error.fields == {"threshold": ["Unknown field."]}


def test_refusal_message_names_the_field_when_a_mapping_is_invalid():
    error = refusal(ladder_config(collection="soon"))
    assert "DELIBERATION_LADDER" in error.message
    assert "collection" in error.message


# -- at start-up ----------------------------------------------------------------


@pytest.fixture
def sqlite_url(tmp_path):
    return "sqlite:///" + str(tmp_path / "startup.sqlite")


def test_host_app_refuses_to_start_when_the_ladder_preset_is_unknown(sqlite_url):
    from tests.host import create_host_app

    with pytest.raises(ConfigurationError, match="DELIBERATION_LADDER: unknown preset 'nope'"):
        create_host_app(sqlite_url, DELIBERATION_LADDER="nope")


def test_host_app_refuses_to_start_when_the_ladder_mapping_is_invalid(sqlite_url):
    from tests.host import create_host_app

    with pytest.raises(ConfigurationError) as caught:
        create_host_app(sqlite_url, DELIBERATION_LADDER=ladder_config(
            rules=[rule_config("department_answer", 10)], keep_collecting_after="mayor_answer"))
    assert "keep_collecting_after" in caught.value.fields


def test_host_app_uses_seoul_2017_when_no_ladder_is_configured(sqlite_url):
    from tests.host import create_host_app

    app = create_host_app(sqlite_url)
    assert app.extensions["deliberation"].settings.ladder is SEOUL_2017


def test_host_app_uses_the_custom_ladder_when_configured_with_a_mapping(sqlite_url):
    from tests.host import create_host_app

    app = create_host_app(sqlite_url, DELIBERATION_LADDER=ladder_config())
    ladder = app.extensions["deliberation"].settings.ladder
    assert ladder.name == "town"
    assert [r.count for r in ladder.rules] == [20, 200, 300]
