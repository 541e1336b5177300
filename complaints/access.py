"""Route-level access declarations, deny by default.

Every view declares who may reach it with one of these decorators. A ``before_request``
hook refuses (404) any endpoint that declared nothing, so a forgotten decorator closes a
route instead of opening it; ``tests/web/test_access_declared.py`` walks ``app.url_map``
to catch such a route before it ships. Case-level rules live in policy.py.
"""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable, TypeVar

from flask import abort, current_app, request
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])

RULE_ATTRIBUTE = "_access_rule"
ALWAYS_OPEN_ENDPOINTS = {"static"}


def public(view: F) -> F:
    """Anyone, signed in or not (home, report, track, login)."""
    setattr(view, RULE_ATTRIBUTE, "public")
    return view


def staff(view: F) -> F:
    """Any signed-in staff member, whatever their roles (sign-out, own account)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        return view(*args, **kwargs)

    setattr(wrapper, RULE_ATTRIBUTE, "staff")
    return wrapper  # type: ignore[return-value]


def roles_required(*roles: str) -> Callable[[F], F]:
    """A signed-in staff member holding at least one of ``roles``; others get 404."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not current_user.roles & set(roles):
                abort(404)
            return view(*args, **kwargs)

        setattr(wrapper, RULE_ATTRIBUTE, "roles:" + ",".join(sorted(roles)))
        return wrapper  # type: ignore[return-value]

    return decorate


def rule_for(endpoint: str) -> str | None:
    if endpoint in ALWAYS_OPEN_ENDPOINTS:
        return "public"
    view = current_app.view_functions.get(endpoint)
    return getattr(view, RULE_ATTRIBUTE, None) if view else None


def deny_undeclared() -> None:
    """before_request: an endpoint without a declared rule does not exist."""
    if request.endpoint is None:
        return  # 404/405 from routing itself
    if rule_for(request.endpoint) is None:
        abort(404)
