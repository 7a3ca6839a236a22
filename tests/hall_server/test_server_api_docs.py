"""docs/api.md is generated from the routes; it must list what the server serves."""
from __future__ import annotations

from pathlib import Path

from hall_server.api_docs import markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_api_page_is_current(app):
    assert DOC.read_text(encoding="utf-8") == markdown(app), \
        "regenerate: .venv/bin/python -m hall_server.api_docs > docs/api.md"


def test_api_page_names_roles(app):
    page = markdown(app)
    assert "| POST | `/api/v1/tickets` | kiosk, manager |" in page
    assert "| GET | `/api/v1/health` | anyone |" in page
