"""My page: the logged-in participant's own proposals, agreements, ballots,
opinions, meeting registrations and notifications."""

from flask import render_template, request
from ..activity import PER_PAGE, SECTIONS, activity_of
from ..api.activity import ActivityQuerySchema
from ..i18n import gettext as _
from ..meetings.states import MeetingStatus, RegistrationStatus
from ..notifications.queries import subject_titles
from .blueprint import _session, bp, load_or_default, require_login
from .debates import stance_label


def section_label(name):
    """The heading of a section (literal here, so the catalog checks it)."""
    return {"proposals": _("My proposals"), "agreements": _("Proposals I agreed with"),
            "ballots": _("My debate ballots"), "comments": _("My opinions"),
            "registrations": _("My meeting registrations"),
            "notifications": _("Notifications")}[name]


def registration_label(registration):
    if registration["meeting_status"] == MeetingStatus.CANCELLED:
        return _("Meeting cancelled")
    return {RegistrationStatus.CONFIRMED: _("You have a seat."),
            RegistrationStatus.WAITLISTED: _("On the waitlist"),
            RegistrationStatus.CANCELLED: _("You cancelled")}.get(registration["status"],
                                                                  registration["status"])


@bp.get("/me")
def my_page():
    participant = require_login()
    # the API's query; the page keeps its own page size
    args = load_or_default(ActivityQuerySchema, request.args)
    # a section is paged through on its own; the overview shows the first page of each
    sections = (args["section"],) if args["section"] else SECTIONS
    page = args["page"] if args["section"] else 1
    session = _session()
    activity = activity_of(session, participant, sections=sections, page=page,
                           per_page=PER_PAGE)
    return render_template("deliberation/mine.html", activity=activity,
                           titles=subject_titles(session, activity.items.get("notifications", [])),
                           section=args["section"], sections=SECTIONS,
                           section_label=section_label,
                           registration_label=registration_label, stance_label=stance_label)
