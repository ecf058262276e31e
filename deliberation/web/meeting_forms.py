"""The organisers' meeting forms as a browser sends them: datetime-local
fields, checkboxes, and a fixed number of numbered rows (a programme item or
a survey question a row) that work without JavaScript. The schemas only
reshape what was typed; the services judge the values."""

import re

from flask_babel import get_timezone, to_user_timezone
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from .forms import _aware

#: blank rows offered below the existing ones
BLANK_ROWS = 3
#: the most rows a form may send; beyond it the service's own limits apply
MAX_ROWS = 60

MEETING_FIELDS = ("title", "agenda_question", "venue", "audience", "starts_at", "ends_at",
                  "registration_deadline", "capacity", "online_questions", "proposal_id")
MEETING_TIMES = ("starts_at", "ends_at", "registration_deadline")
PROGRAMME_FIELDS = ("starts_at", "ends_at", "title", "note")
QUESTION_FIELDS = ("kind", "prompt", "options", "required")
_ROW = re.compile(r"^(prog|q)-(\d{1,3})-(\w+)$")


def local(moment):
    """A moment as a datetime-local value in the viewer's time zone."""
    return to_user_timezone(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""


def _checked(form, name):
    return (form.get(name) or "").strip().lower() in ("on", "y", "yes", "true", "1")


def _row_numbers(form, prefix):
    numbers = {int(m.group(2)) for m in map(_ROW.match, form.keys())
               if m and m.group(1) == prefix}
    return sorted(n for n in numbers if n < MAX_ROWS)


def programme_rows(form):
    """The programme as typed, in its new order: a row ticked for removal or
    left blank is dropped, and the order numbers move the others."""
    rows = []
    for n in _row_numbers(form, "prog"):
        row = {key: (form.get(f"prog-{n}-{key}") or "").strip() for key in PROGRAMME_FIELDS}
        if _checked(form, f"prog-{n}-remove") or not any(row.values()):
            continue
        order = (form.get(f"prog-{n}-order") or "").strip()
        rows.append(((int(order) if order.isdigit() else n + 1, n), row))
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


def survey_rows(form):
    """The questions as typed, in order; a row without a prompt and options is
    an unused blank row."""
    rows = []
    for n in _row_numbers(form, "q"):
        row = {"kind": (form.get(f"q-{n}-kind") or "").strip(),
               "prompt": (form.get(f"q-{n}-prompt") or "").strip(),
               "options": (form.get(f"q-{n}-options") or "").strip(),
               "required": _checked(form, f"q-{n}-required")}
        if row["prompt"] or row["options"]:
            rows.append(row)
    return rows


def meeting_form_values(meeting=None, *, proposal_id=None):
    """The form's fields for a meeting (empty for a new one)."""
    if meeting is None:
        return {**{name: "" for name in MEETING_FIELDS}, "capacity": "100",
                "online_questions": False, "proposal_id": proposal_id or ""}
    values = {name: getattr(meeting, name) for name in MEETING_FIELDS}
    values.update({name: local(values[name]) for name in MEETING_TIMES})
    values["proposal_id"] = values["proposal_id"] or ""
    return values


def programme_values(items):
    return [{"starts_at": local(item.starts_at), "ends_at": local(item.ends_at),
             "title": item.title, "note": item.note} for item in items]


def survey_values(questions):
    return [{"kind": question.kind, "prompt": question.prompt,
             "options": "\n".join(question.options or []), "required": question.required}
            for question in questions]


def typed_meeting_values(form):
    values = {name: (form.get(name) or "").strip() for name in MEETING_FIELDS}
    values["online_questions"] = _checked(form, "online_questions")
    return values


class MeetingFormSchema(Schema):
    """The meeting as the services take it, from the browser's fields."""

    class Meta:
        unknown = EXCLUDE

    title = fields.String(load_default="")
    agenda_question = fields.String(load_default="")
    venue = fields.String(load_default="")
    audience = fields.String(load_default="")
    starts_at = fields.Raw(load_default=None, allow_none=True)
    ends_at = fields.Raw(load_default=None, allow_none=True)
    registration_deadline = fields.Raw(load_default=None, allow_none=True)
    capacity = fields.Integer(required=True, validate=validate.Range(min=1, max=100_000))
    online_questions = fields.Boolean(load_default=False)
    proposal_id = fields.Integer(load_default=None, allow_none=True,
                                 validate=validate.Range(min=1))
    programme = fields.Raw(load_default=list)

    @pre_load
    def _browser_values(self, form, **kwargs):
        tz = get_timezone()
        data = typed_meeting_values(form)
        for name in MEETING_TIMES:
            data[name] = _aware(data[name], tz) if data[name] else None
        data["proposal_id"] = data["proposal_id"] or None
        data["programme"] = [
            {"starts_at": _aware(row["starts_at"], tz) if row["starts_at"] else None,
             "ends_at": _aware(row["ends_at"], tz) if row["ends_at"] else None,
             "title": row["title"], "note": row["note"]} for row in programme_rows(form)]
        return data


def _options(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


class SurveyFormSchema(Schema):
    """The questionnaire as the survey service takes it, from the rows."""

    class Meta:
        unknown = EXCLUDE

    questions = fields.Raw(required=True)

    @pre_load
    def _browser_values(self, form, **kwargs):
        questions = [{"kind": row["kind"], "prompt": row["prompt"],
                      "options": _options(row["options"]), "required": row["required"]}
                     for row in survey_rows(form)]
        if not questions:
            raise ValidationError({"_": ["Write at least one question."]})
        return {"questions": questions}


class CancelMeetingFormSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    reason = fields.String(load_default="")


def row_messages(messages):
    """A list field's messages: marshmallow keys them by row index; a message
    about the list as a whole goes above the rows."""
    if isinstance(messages, dict):
        by_row = {}
        for index, inner in messages.items():
            flat = {}
            for name, value in (inner.items() if isinstance(inner, dict) else [("_", inner)]):
                flat[name] = list(value) if isinstance(value, (list, tuple)) else [value]
            by_row[int(index)] = flat
        return by_row, []
    return {}, list(messages) if isinstance(messages, (list, tuple)) else [messages]

