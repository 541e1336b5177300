"""Error pages that say what happened in plain words and leak nothing."""
from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from .attachments import StorageError
from .crypto import IntegrityFailure
from .extensions import db
from .services.case_access import CaseNotFound, CaseShredded
from .translatable import N_

log = logging.getLogger("complaints")

MESSAGES = {
    400: (N_("The request could not be understood"),
          N_("Something in the form was missing or malformed. Go back, check it and send it again.")),
    403: (N_("Not allowed"), N_("You can't do this.")),
    404: (N_("Page not found"), N_("There is nothing here. Check the address, or start again from the home page.")),
    405: (N_("Not allowed"), N_("This page can't be used that way.")),
    413: (N_("Too large"),
          N_("What you sent is larger than we accept. Each file may be at most %(upload)s MB. "
             "Go back and choose a smaller file; nothing was saved.")),
    429: (N_("Please wait"),
          N_("There have been too many attempts in a short time. Wait a few minutes and try again.")),
    500: (N_("Something went wrong"),
          N_("We could not complete this. Nothing half-done was kept. Please try again in a moment.")),
    503: (N_("Please try again"),
          N_("The service is busy or briefly unavailable. Nothing was saved; please try again in a moment.")),
}


def render_error(code: int, title: str | None = None, text: str | None = None,
                 account_menu: bool = True, typed=()):  # type: ignore[no-untyped-def]
    """The error page. ``account_menu=False`` leaves out the signed-in menu, which reads the
    user's account from the database (not there when the database is the problem); ``typed``
    is text the person sent that could not be accepted, shown so that it can be copied."""
    from flask import current_app

    default_title, default_text = MESSAGES.get(code, MESSAGES[500])
    title = gettext(title or default_title)
    # Titles and texts are N_-marked templates, translated here for the visitor.
    text = gettext(text or default_text, upload=current_app.config["MAX_UPLOAD_MB"])
    for without_account in ((False, True) if account_menu else (True,)):
        try:
            return render_template("errors/error.html", code=code, title=title, text=text,
                                   without_account=without_account, typed=typed), code
        except Exception:
            db.session.rollback()
    # The error page itself failed: answer plainly, still leak nothing.
    log.error("error page could not be rendered")
    return f"{title}. {text}", code, {"Content-Type": "text/plain; charset=utf-8"}


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        from .views import kept_forms  # nothing typed is lost: views/kept_forms.py

        recovered = kept_forms.recover_from_refused_token()
        if recovered is not None:
            return recovered
        return render_error(
            400, N_("This form has expired"),
            N_("For your safety, forms stop working after a while or when opened in another "
               "window. Go back, reload the page and send it again."),
            typed=kept_forms.typed_text_of_refused_form())

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        code = error.code or 500
        return render_error(code if code in MESSAGES else 500)

    @app.errorhandler(CaseNotFound)
    def case_not_found(error: CaseNotFound):  # type: ignore[no-untyped-def]
        # Not allowed and not there look the same: existence is never revealed.
        db.session.rollback()
        return render_error(404)

    @app.errorhandler(CaseShredded)
    def case_shredded(error: CaseShredded):  # type: ignore[no-untyped-def]
        db.session.rollback()
        return render_error(404)

    @app.errorhandler(IntegrityFailure)
    def integrity_failure(error: IntegrityFailure):  # type: ignore[no-untyped-def]
        db.session.rollback()
        log.error("integrity check failed: %s", error.place)
        return render_template("errors/integrity.html"), 409

    @app.errorhandler(StorageError)
    def storage_unavailable(error: StorageError):  # type: ignore[no-untyped-def]
        db.session.rollback()
        log.error("%s", error)  # e.g. "attachment store not writable (No space left on device)"
        return render_error(
            503, N_("Files can't be stored just now"),
            N_("The files could not be written because of a problem on our side. Nothing was "
               "saved. Please try again later; if it goes on, tell the administrator."))

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):  # type: ignore[no-untyped-def]
        db.session.rollback()
        log.error("database unavailable: %s", type(error.orig).__name__)
        return render_error(503, account_menu=False)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):  # type: ignore[no-untyped-def]
        db.session.rollback()
        # The type only: exception messages can carry submitted values.
        log.error("unexpected %s", type(error).__name__, exc_info=app.debug)
        return render_error(500)
