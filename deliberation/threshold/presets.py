"""Ladders of real platforms, named after their source (see DOMAIN.md)."""

from .rules import Ladder, Metric, Period, Rule, Step

SEOUL_2017 = Ladder(
    name="seoul_2017",
    label="Democracy Seoul 2017–2019 (50 · 500 · 5,000)",
    collection=Period(days=30),
    keep_collecting_after=Step.DEPARTMENT_ANSWER,
    rules=(
        Rule(Step.DEPARTMENT_ANSWER, Metric.AGREEMENTS, 50,
             within=Period(days=30), answer_due=Period(months=1)),
        Rule(Step.AGENDA_COMMITTEE, Metric.AGREEMENTS, 500),
        Rule(Step.MAYOR_ANSWER, Metric.DEBATE_PARTICIPANTS, 5000),
    ),
)

SEOUL_2020 = Ladder(
    name="seoul_2020",
    label="Democracy Seoul from 2020-03 (50 · 100 · 1,000)",
    collection=Period(days=30),
    keep_collecting_after=Step.DEPARTMENT_ANSWER,
    rules=(
        Rule(Step.DEPARTMENT_ANSWER, Metric.AGREEMENTS, 50,
             within=Period(days=30), answer_due=Period(months=1)),
        Rule(Step.AGENDA_COMMITTEE, Metric.AGREEMENTS, 100, label="Public debate opens"),
        Rule(Step.MAYOR_ANSWER, Metric.DEBATE_PARTICIPANTS, 1000),
    ),
)

UK_PETITIONS = Ladder(
    name="uk_petitions",
    label="UK Parliament petitions (10,000 · 100,000 in 6 months)",
    collection=Period(months=6),
    rules=(
        Rule(Step.DEPARTMENT_ANSWER, Metric.AGREEMENTS, 10_000, label="Government response"),
        Rule(Step.AGENDA_COMMITTEE, Metric.AGREEMENTS, 100_000,
             label="Considered for debate in Parliament"),
    ),
)

WE_THE_PEOPLE = Ladder(
    name="we_the_people",
    label="We the People (100,000 in 30 days)",
    collection=Period(days=30),
    rules=(
        Rule(Step.DEPARTMENT_ANSWER, Metric.AGREEMENTS, 100_000,
             within=Period(days=30), label="Official response"),
    ),
)

PRESETS = {ladder.name: ladder for ladder in (SEOUL_2017, SEOUL_2020, UK_PETITIONS, WE_THE_PEOPLE)}
