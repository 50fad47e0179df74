import pytest

from accounts.demo import demo_id_number
from accounts.models import Role, User
from conftest import PASSWORD


@pytest.fixture
def other_applicant(people) -> User:
    return User.objects.create_user(
        None,
        PASSWORD,
        role=Role.APPLICANT,
        full_name="李红",
        id_number=demo_id_number("15020319900708002"),
        phone="13800000002",
    )
