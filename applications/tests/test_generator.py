from applications.eligibility_service import decide_for
from applications.generator import generate
from applications.models import Application
from skillcert.lib.identity import parse_id_number


def test_generated_applicants_are_valid_and_spread(open_campaign):
    assert generate(open_campaign, 300, batch=120) == 300
    applications = list(Application.objects.select_related("campaign", "occupation", "applicant"))
    assert len(applications) == 300
    assert len({a.city_id for a in applications}) == 13
    assert len({a.category for a in applications}) == 5
    for application in applications[:50]:
        parse_id_number(application.id_number)  # valid check digit, birth date and region
        assert application.applicant.id_number == application.id_number
        decide_for(application)  # the engine takes every generated application
