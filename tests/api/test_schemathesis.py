"""schemathesis against the live app's own OpenAPI document, with a real token that may do
everything: no 5xx, and every answer as the document describes it (status, content type,
schema), for every route."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from learning.people.models import Role

# Not asked: that every request the document allows succeeds. A document cannot say that a
# person sent must exist, or that ends_on follows starts_on; such requests are 422 by design
# (tests/api/test_access_and_problems.py). Every other check runs: no 5xx, statuses, content
# types and bodies as documented, and requests outside the document refused.


@pytest.fixture
def app_config():
    return {"API_RATE_LIMIT": "100000 per minute"}


@pytest.fixture
def api_token(make_person, make_token, cohort):
    """A token of someone with every role, every scope; a published cohort to find."""
    from learning.api import access

    everyone = make_person(roles=(Role.MEMBER, Role.LD_MANAGER, Role.HR, Role.ADMIN))
    return make_token(everyone, *access.SCOPES)


@pytest.mark.timeout(900)
def test_the_api_answers_as_its_document_says(served, api_token):
    schema = schemathesis.openapi.from_url(f"{served.url}/api/v1/openapi.json")
    headers = {"Authorization": f"Bearer {api_token}"}
    checked = []
    for found in schema.get_all_operations():
        operation = found.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        def answers_as_described(case):
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        answers_as_described()
        checked.append(operation.label)
    assert len(checked) == 16, checked
