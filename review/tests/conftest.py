import pytest

from applications import services as applying
from applications.models import Application


@pytest.fixture
def submitted(people, complete_draft) -> Application:
    """王小明's complete application, submitted to 呼和浩特's co-organizer."""
    return applying.submit_application(people["applicant"], complete_draft)
