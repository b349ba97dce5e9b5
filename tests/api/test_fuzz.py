"""The API fuzzed from its own OpenAPI document: whatever the generated input, never a server error.

Bounded to a few examples per operation (seconds in all); run more with
``SEETHE_FUZZ_EXAMPLES=200 pytest tests/api/test_fuzz.py``.
"""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

EXAMPLES = int(os.environ.get("SEETHE_FUZZ_EXAMPLES", "3"))


def test_no_generated_input_makes_a_server_error(app, tokens):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 19
    for operation in operations:
        # As an analyst (who reaches every read and review route), and as an admin for user management.
        headers = {"Authorization": f"Bearer {tokens['admin' if '/users' in operation.path else 'analyst']}"}

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def call(case):
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        call()
