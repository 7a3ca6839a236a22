"""API.md is the contract: every endpoint it names is served and described in OpenAPI."""
from __future__ import annotations

import re
from pathlib import Path

SHARED_API = Path(__file__).resolve().parents[3] / "shared" / "API.md"


def contract_endpoints() -> set[tuple[str, str]]:
    """(method, path) pairs from API.md's endpoint table. A cell may hold several:
    "GET /a, POST /a/{id}/{x,y}" or "POST /w/{id}/pause, /resume" (same method and base)."""
    found = set()
    for line in SHARED_API.read_text(encoding="utf-8").splitlines():
        if not re.match(r"\|\s*(GET|POST|PUT|DELETE)\s", line):
            continue
        method = base = None
        for part in [p.strip() for p in line.split("|")[1].split(", ")]:
            m = re.match(r"(GET|POST|PUT|DELETE)\s+(\S+)", part)
            if m:
                method, path = m.group(1), m.group(2).split("?")[0]
            else:
                path = base + part
            alternatives = re.search(r"\{([a-z]+(?:,[a-z]+)+)\}$", path)
            if alternatives:
                found |= {(method, path[: alternatives.start()] + a) for a in alternatives.group(1).split(",")}
            else:
                found.add((method, path))
            base = path.rsplit("/", 1)[0]
    return found


def normalise(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_every_contract_endpoint_is_in_openapi(api):
    spec = api("kiosk").client.get("/openapi.json").json()
    served = {(m.upper(), normalise(p)) for p, ops in spec["paths"].items() for m in ops}
    wanted = {(m, normalise(p)) for m, p in contract_endpoints()}
    assert len(wanted) >= 30
    assert wanted - served == set()


def test_contract_error_codes_have_a_status(api):
    from hall_server.errors import STATUS_BY_CODE
    text = SHARED_API.read_text(encoding="utf-8")
    codes = set(re.findall(r"`([a-z_]+)`", text.split("Codes used below:")[1].split("- Auth")[0]))
    assert codes and codes <= set(STATUS_BY_CODE)
