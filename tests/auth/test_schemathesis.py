"""The JSON API against its own OpenAPI schema, generated cases sent by a signed-in administrator's
API token: no server errors, and every documented answer matches its schema."""

from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.app import create_app
from tests.conftest import api_token

APP = create_app()
schema = schemathesis.openapi.from_dict(APP.openapi())
schema.app = APP
# Generated cases only: schemathesis's coverage phase builds hundreds of boundary cases per
# operation and tripled the run; tests/api/test_no_server_errors.py sends boundary values itself.
EXAMPLES = 10


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          phases=[Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: Any, admin: Any) -> None:
    token = api_token(admin)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                           checks=[not_a_server_error, response_schema_conformance])
