"""Mount hall_server/api/counter.py on the test app when hall_server/app.py does not yet."""
from __future__ import annotations

import pytest

from hall_server.api import counter
from hall_server.app import create_app


@pytest.fixture
def app(hall):
    app = create_app(hall=hall)
    if not any(getattr(route, "path", "") == "/api/v1/counter/duty" for route in app.routes):
        app.include_router(counter.router, prefix="/api/v1")
    return app
