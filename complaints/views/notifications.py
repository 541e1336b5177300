"""Notifications of officers and coordinators: the list, "mark all as read", the e-mail choice,
and the unread count in the navigation. Each person sees only their own."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..access import roles_required
from ..forms.case_day import MarkReadForm, NotificationSettingsForm
from ..services import notifications

bp = Blueprint("notifications", __name__)

# Who receives notifications: everyone assigned to cases, and the coordinators.
NOTIFIED_ROLES = ("officer", "investigator", "mediator", "decision", "appeal", "trust", "coordinator")


@bp.app_context_processor
def navigation() -> dict[str, object]:
    def unread_notifications() -> int | None:
        """The unread count for the navigation, or None for people who get no notifications."""
        if not current_user.is_authenticated or not current_user.roles & set(NOTIFIED_ROLES):
            return None
        return notifications.unread_count(current_user)

    def unread_cases(rows) -> set:  # type: ignore[no-untyped-def]
        """Which of the listed cases have something new for the person (list markers)."""
        if not current_user.is_authenticated:
            return set()
        return notifications.unread_case_ids(current_user, [row.id for row in rows])

    return {"unread_notifications": unread_notifications, "unread_cases": unread_cases}


@bp.get("/notifications")
@roles_required(*NOTIFIED_ROLES)
def inbox():  # type: ignore[no-untyped-def]
    page = request.args.get("page", 1, type=int) or 1
    listing = notifications.inbox(current_user, page)
    return render_template("notifications/inbox.html", rows=listing.rows, listing=listing,
                           form=MarkReadForm())


@bp.post("/notifications/read")
@roles_required(*NOTIFIED_ROLES)
def mark_all_read():  # type: ignore[no-untyped-def]
    if MarkReadForm().validate_on_submit():
        notifications.mark_all_read(current_user)
        flash(gettext("All notifications are marked as read."), "success")
    return redirect(url_for(".inbox"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@roles_required(*NOTIFIED_ROLES)
def settings():  # type: ignore[no-untyped-def]
    mail_ready = bool(current_app.config.get("SMTP_HOST")) and bool(current_user.email)
    form = NotificationSettingsForm(data={"email": notifications.wants_email(current_user)})
    if form.validate_on_submit():
        notifications.set_email(current_user, bool(form.email.data) and mail_ready)
        flash(gettext("Your choice is saved."), "success")
        return redirect(url_for(".settings"))
    return render_template("notifications/settings.html", form=form, mail_ready=mail_ready,
                           smtp=bool(current_app.config.get("SMTP_HOST")))
