"""Cookie settings and the security headers on every response."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, abort, request
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import ImmutableMultiDict

from .access import deny_undeclared

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


SESSION_COOKIE_LIFETIME = timedelta(hours=24)


def configure_sessions(app: Flask) -> None:
    https = bool(app.config["HTTPS"])
    app.config.update(
        SESSION_COOKIE_NAME="complaints_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=https,
        # The signed cookie opens nothing after a day. Sessions are browser-session cookies
        # (gone when the browser closes); each kind ends sooner by its own clock in the
        # signed data: staff after STAFF_IDLE_MINUTES idle (auth), a case opened with a
        # receipt after TRACK_IDLE_MINUTES (public). A report form has no limit of its own,
        # so it still works hours after it was opened (WCAG 2.2.1: over 20 hours).
        PERMANENT_SESSION_LIFETIME=SESSION_COOKIE_LIFETIME,
        SESSION_REFRESH_EACH_REQUEST=True,
        MAX_CONTENT_LENGTH=app.config["MAX_REQUEST_MB"] * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session (above)
        # Flask-WTF's strict mode wants a Referer on HTTPS, which our pages never send
        # (no-referrer): it refused every form. from_our_pages() checks the origin instead.
        WTF_CSRF_SSL_STRICT=False,
        PREFERRED_URL_SCHEME="https" if https else "http",
        REMEMBER_COOKIE_DURATION=timedelta(seconds=0),
    )
    if app.config["TRUSTED_PROXIES"]:
        from .proxies import TrustedProxyFix, parse_networks

        app.wsgi_app = TrustedProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, app.config["TRUSTED_PROXIES"], parse_networks(app.config["PROXY_ADDRESSES"]))


def no_nul_characters() -> None:
    """before_request: PostgreSQL can't hold a NUL character in text (a 500 deep in a
    query). Filters and links never carry one: refused (400). Typed or pasted form text
    may, invisibly: dropped, as the report form's own cleaning does."""
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        abort(400)
    if request.method == "POST":
        form = request.form
        if any("\x00" in key or "\x00" in value for key, value in form.items(multi=True)):
            request.form = ImmutableMultiDict(  # type: ignore[misc]
                [(key.replace("\x00", ""), value.replace("\x00", ""))
                 for key, value in form.items(multi=True)])


def sent_from_our_pages() -> bool:
    """The browser says this request comes from a page of this site (Sec-Fetch-Site, set by
    the browser itself; a script on another site can't forge it). False when unknown."""
    return request.headers.get("Sec-Fetch-Site") == "same-origin"


def refuse_cross_site_forms() -> None:
    """before_request: a form sent from another site is refused like a bad CSRF token, on
    top of the token (the origin check that a Referer would give, without sending one).
    Browsers too old to say where a request comes from rely on the token alone."""
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        raise CSRFError("The form was sent from another site.")


def register(app: Flask) -> None:
    app.before_request(deny_undeclared)
    app.before_request(no_nul_characters)
    app.before_request(refuse_cross_site_forms)

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        # A download sets its own stricter policy (sandbox); keep it.
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        if app.config["HTTPS"]:
            headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if request.endpoint != "static":
            # Pages about a case must not linger in a shared computer's cache.
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response

    # Keep secrets out of templates' reach.
    app.jinja_env.globals.pop("config", None)
