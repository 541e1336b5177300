"""A small world to attack: a staff member holding every role but ``admin`` (which never
sits beside a case role), assigned to one case in every capacity, an administrator, a
foreign case, and a complainant following their own case by receipt."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from complaints.extensions import db
from complaints.models import ROLES
from complaints.policy import CAPACITY_ROLES
from tests.factories import assign, make_case
from tests.web.conftest import csrf_token, login, make_user, staff_client  # noqa: F401
from tests.web.test_track import filed, open_case


@dataclass
class World:
    staff: object          # test client signed in with every role but admin
    staff_user: object
    complainant: object    # test client holding a receipt session
    case_id: object        # assigned to the staff member in every capacity
    foreign_id: object     # assigned to nobody
    tracked_id: object     # the complainant's own case
    admin: object = None   # test client signed in as an administrator


@pytest.fixture()
def world(app, client, staff_client) -> World:
    staff, user = staff_client(*(r for r in ROLES if r != "admin"), username="everyone")
    admin, _ = staff_client("admin", username="the_admin")
    with app.app_context():
        mine, _ = make_case(category="SH_VERBAL")
        foreign, _ = make_case(category="MOBBING", narrative="Foreign case narrative FOREIGN-7f1")
        for capacity in CAPACITY_ROLES:
            assign(mine, db.session.merge(user), capacity)
        mine_id, foreign_id = mine.id, foreign.id
    receipt = filed(client)
    assert open_case(client, receipt).status_code == 302
    with app.app_context():
        from sqlalchemy import select

        from complaints.models import Case

        tracked = db.session.execute(select(Case.id).where(Case.id.not_in([mine_id, foreign_id]))).scalar_one()
    return World(staff, user, client, mine_id, foreign_id, tracked, admin)
