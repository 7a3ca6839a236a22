"""Certificate fixtures on top of the hall-server ones (tests/hall_server/conftest.py):
card bodies of the synthetic TEST persons, halls with an extra [certificates] section,
a second kiosk, and the app served by a real uvicorn on a loopback port."""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from hall_server import auth
from hall_server.app import Settings, build_hall, create_app
from hall_server.certificates.sample_data import BUNDLED, read_rows

PERSONS = read_rows(BUNDLED)["persons"]         # synthetic TEST persons: (number, name, sex, birth, note)
SAM = "05.01-20230101-0000012345-0123456789"


def _card(person: int = 0, *, source: str = "card", sam_id: str | None = SAM) -> dict:
    number, name = PERSONS[person][0], PERSONS[person][1]
    body = {"number": number, "name": name, "source": source}
    if sam_id is not None:
        body["sam_id"] = sam_id
    return body


def _issue(client, type_code: str = "income_tax", person: int = 0, *, params=None, request_id=None, **card_kw):
    params = params if params is not None else {
        "social_insurance": {"period_months": 12, "purpose": "购房"}, "income_tax": {"period_months": 12, "purpose": "购房"},
        "housing_fund": {"period_months": 12, "purpose": "贷款"}, "medical_insurance": {"purpose": "入学"},
        "real_estate": {"purpose": "购房"}}.get(type_code, {})
    body = {"type": type_code, "id_card": _card(person, **card_kw), "params": params}
    if request_id:
        body["request_id"] = request_id
    return client.post("/certificates", body)


@pytest.fixture
def persons():
    return PERSONS


@pytest.fixture
def card():
    """``card(person=0, source="card", sam_id=SAM)`` → an ``id_card`` body."""
    return _card


@pytest.fixture
def issue():
    """``issue(client, type_code="income_tax", person=0, params=None, request_id=None, **card)`` → response."""
    return _issue


@pytest.fixture
def kiosk(api):
    return api("kiosk")


@pytest.fixture
def other_kiosk(api, hall):
    with hall.store.transaction(hall.now()) as tx:
        token = auth.create_device_token(tx, "test-kiosk-2", "kiosk")
    api.tokens["kiosk2"] = token
    return api("kiosk2")


@pytest.fixture
def hall_with(tmp_path, clock, hall_file, api):
    """``hall_with(toml)`` → (hall, clients): the small hall plus extra configuration."""
    made, small_hall, clients_class = [], hall_file.read_text(encoding="utf-8"), type(api)

    def build(extra: str):
        folder = tmp_path / f"hall{len(made)}"
        folder.mkdir()
        (folder / "hall.toml").write_text(small_hall + "\n" + extra, encoding="utf-8")
        hall = build_hall(Settings(config_path=folder / "hall.toml", data_dir=folder / "data", clock=clock))
        clients = clients_class(create_app(hall=hall), hall)
        made.append((hall, clients))
        return hall, clients

    yield build
    for hall, clients in made:
        clients.close()
        hall.store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The app on a real socket (uvicorn in a thread), for HTTP clients and browsers."""

    def __init__(self, app):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    access_log=False, lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live(app, api):
    """The test hall served on 127.0.0.1 (tokens as in ``api.tokens``)."""
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def screens_dir() -> Path | None:
    """Where to also save screenshots for docs/screens (set HALLTERM_SCREENS_DIR), else None."""
    import os
    value = os.environ.get("HALLTERM_SCREENS_DIR")
    return Path(value) if value else None


def _certificate_helpers():
    """tests/certificates/conftest.py as a module (its PDF readers), under a name of its own."""
    import importlib.util
    import sys
    name = "hallterm_tests_certificate_helpers"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[2] / "certificates" / "conftest.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def pdf_text():
    """pdftotext with Qt's radical code points mapped back (see tests/certificates/conftest.py)."""
    return _certificate_helpers().pdf_text
