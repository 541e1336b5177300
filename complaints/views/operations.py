"""Health and metrics for the people who run the service (no case, no content)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request

from .. import metrics
from ..access import public
from ..errors import render_error
from ..proxies import address_in, parse_networks
from ..services import health

bp = Blueprint("operations", __name__)


@bp.route("/healthz")
@public
def healthz():  # type: ignore[no-untyped-def]
    """200 when the database, the keys and the attachment store work; 503 naming which not."""
    result = health.check()
    body = {"status": "ok" if result.ok else "unavailable",
            "checks": {name: "ok" if passed else "failed" for name, passed in result.checks.items()}}
    return jsonify(body), 200 if result.ok else 503


@bp.route("/metrics")
@public  # open only to the addresses in COMPLAINTS_METRICS_ALLOW; everyone else: 404
def metrics_page():  # type: ignore[no-untyped-def]
    allowed = parse_networks(current_app.config["METRICS_ALLOW"])
    if not address_in(request.remote_addr, allowed):
        abort(404)
    body, content_type = metrics.exposition(current_app._get_current_object())  # type: ignore[attr-defined]
    return body, 200, {"Content-Type": content_type}


@bp.route("/request-too-large")
@public
def request_too_large():  # type: ignore[no-untyped-def]
    """The page the reverse proxy shows when it refuses a body over its limit (nginx's
    ``error_page 413``), so people read the same words as when the app refuses it."""
    return render_error(413)
