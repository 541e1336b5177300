"""The coordinator's overview pages beside the register: workload and waiting exceptions.

Metadata only, like the register: names, capacities, counts, references and dates.
"""
from __future__ import annotations

from flask import Blueprint, render_template

from ..access import roles_required
from ..forms.cases import ConfirmForm
from ..services import assignments, case_lists

bp = Blueprint("register", __name__)


@bp.get("/register/workload")
@roles_required("coordinator")
def workload() -> str:
    return render_template("cases/register_workload.html", staff=case_lists.workload(),
                           capacities=list(assignments.CAPACITY_ROLES),
                           pending_exception_count=assignments.waiting_exception_count())


@bp.get("/register/exceptions")
@roles_required("coordinator")
def exceptions() -> str:
    waiting = assignments.exception_queue()
    return render_template("cases/register_exceptions.html", waiting=waiting,
                           pending_exception_count=len(waiting), confirm_form=ConfirmForm())
