"""Notices (공지사항): anybody reads them, admins write, edit and delete
them. The body is Markdown, shown as sanitised HTML like officials'
answers; pinned notices lead the list."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user
from markupsafe import Markup
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from deliberation import Role
from deliberation.responses.markdown import render_markdown
from deliberation.settings import current_settings

from .models import NOTICE_BODY_MAX, NOTICE_TITLE_MAX, Notice, db
from .views import bp

PER_PAGE = 20


class NoticeInputSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # the CSRF token and the submit button

    title = fields.String(required=True, validate=validate.Length(
        min=1, max=NOTICE_TITLE_MAX,
        error=lazy_gettext("Enter a title of 1 to 200 characters.")),
        error_messages={"required": lazy_gettext("Enter a title of 1 to 200 characters.")})
    body = fields.String(required=True, validate=validate.Length(
        min=1, max=NOTICE_BODY_MAX,
        error=lazy_gettext("Write the notice: 1 to 20,000 characters.")),
        error_messages={"required": lazy_gettext("Write the notice: 1 to 20,000 characters.")})
    pinned = fields.Boolean(load_default=False, error_messages={
        "invalid": lazy_gettext("Tick the box or leave it empty.")})

    @pre_load
    def _strip(self, data, **kwargs):
        data = dict(data)
        for name in ("title", "body"):
            if isinstance(data.get(name), str):
                data[name] = data[name].strip()
        return data


def _is_admin():
    return current_user.is_authenticated and Role.ADMIN in current_user.role_set


def _require_admin():
    """Anonymous visitors go to log in; other members are refused."""
    if not current_user.is_authenticated:
        flash(_("Please log in to continue."), "info")
        back = request.full_path if request.method == "GET" else url_for("demo.notice_list")
        return redirect(url_for("demo.login", next=back))
    if not _is_admin():
        return render_template("demo/error.html",
                               message=_("Only admins may write notices.")), 403
    return None


def _notice_or_404(notice_id):
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        abort(404)
    return notice


def _errors(exc):
    return {name: " ".join(str(m) for m in messages)
            for name, messages in exc.messages.items() if isinstance(messages, list)}


@bp.get("/notices/")
def notice_list():
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) <= 100_000 else 1
    total = db.session.execute(sa.select(sa.func.count()).select_from(Notice)).scalar_one()
    notices = db.session.execute(
        sa.select(Notice).order_by(Notice.pinned.desc(), Notice.created_at.desc(),
                                   Notice.id.desc())
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).scalars().all()
    return render_template("demo/notice_list.html", notices=notices, page=page,
                           pages=max(1, -(-total // PER_PAGE)), total=total,
                           may_write=_is_admin())


@bp.get("/notices/<id:notice_id>")
def notice_detail(notice_id):
    notice = _notice_or_404(notice_id)
    return render_template("demo/notice_detail.html", notice=notice,
                           body=Markup(render_markdown(notice.body)), may_write=_is_admin())


def _form_page(notice, form, errors):
    return render_template("demo/notice_form.html", notice=notice, form=form,
                           errors=errors), (422 if errors else 200)


def _save(notice):
    """The form's page or its saving; the caller has checked the admin."""
    if request.method == "GET":
        form = ({"title": notice.title, "body": notice.body, "pinned": notice.pinned}
                if notice else {"title": "", "body": "", "pinned": False})
        return _form_page(notice, form, {})
    form = {"title": request.form.get("title", ""), "body": request.form.get("body", ""),
            "pinned": "pinned" in request.form}
    try:
        data = NoticeInputSchema().load(request.form.to_dict())
    except ValidationError as exc:
        return _form_page(notice, form, _errors(exc))
    now = current_settings().now()
    if notice is None:
        notice = Notice(author_id=current_user.id, created_at=now, **data)
        db.session.add(notice)
    else:
        for name, value in data.items():
            setattr(notice, name, value)
    notice.updated_at = now
    db.session.commit()
    flash(_("The notice is saved."), "success")
    return redirect(url_for("demo.notice_detail", notice_id=notice.id))


@bp.route("/notices/new", methods=["GET", "POST"])
def notice_new():
    refused = _require_admin()
    if refused is not None:
        return refused
    return _save(None)


@bp.route("/notices/<id:notice_id>/edit", methods=["GET", "POST"])
def notice_edit(notice_id):
    refused = _require_admin()
    if refused is not None:
        return refused
    return _save(_notice_or_404(notice_id))


@bp.post("/notices/<id:notice_id>/delete")
def notice_delete(notice_id):
    refused = _require_admin()
    if refused is not None:
        return refused
    db.session.delete(_notice_or_404(notice_id))
    db.session.commit()
    flash(_("The notice is deleted."), "success")
    return redirect(url_for("demo.notice_list"))
