"""Which roles a route lets in, read from its dependencies (``roles(...)`` in
hall_server/api/deps.py), and API.md's "who" column as a table.

Used by the role-matrix test and by the schemathesis run (which picks a token the
route accepts, so generated requests reach validation and the handler).
"""
from __future__ import annotations

import inspect
import re
from pathlib import Path

ROLES = ("kiosk", "counter", "display", "agent", "manager", "admin")
API_MD = Path(__file__).resolve().parents[3] / "shared" / "API.md"


def _walk(dependant):
    yield dependant
    for sub in dependant.dependencies:
        yield from _walk(sub)


def _routes(routes, prefix: str = ""):
    """(full path, route) of every endpoint, also inside included routers (FastAPI
    ≥ 0.16x keeps an included router as one entry holding the original)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(inner.routes, prefix + route.include_context.prefix)
        elif getattr(route, "dependant", None) is not None:
            yield prefix + route.path, route


def route_roles(app) -> dict[tuple[str, str], frozenset[str] | None]:
    """(METHOD, path) → the roles it admits (every role for "any"), or None for a
    public route that takes no token at all."""
    found: dict[tuple[str, str], frozenset[str] | None] = {}
    for path, route in _routes(app.routes):
        dependant = route.dependant
        allowed: frozenset[str] | None = None
        for dep in _walk(dependant):
            call = dep.call
            if call is None:
                continue
            if call.__qualname__.startswith("roles.<locals>.check"):
                names = inspect.getclosurevars(call).nonlocals["allowed"]
                allowed = frozenset(ROLES) if "any" in names else frozenset(names)
            elif call.__name__ == "get_principal" and allowed is None:
                allowed = frozenset(ROLES)
        for method in route.methods - {"HEAD", "OPTIONS"}:
            found[(method, path)] = allowed
    return found


def _who(cell: str) -> frozenset[str] | None:
    cell = cell.strip().lower()
    if cell.startswith("anyone"):
        return None
    if cell.startswith("any token"):
        return frozenset(ROLES)
    return frozenset(r for r in ROLES if re.search(rf"\b{r}\b", cell))


def api_md_roles() -> dict[tuple[str, str], frozenset[str] | None]:
    """API.md's endpoint table: (METHOD, /api/v1 path with FastAPI's parameter names
    left as written) → roles; None for "anyone". Cells naming several paths
    ("POST /w/{id}/pause, /resume", "POST /cases/{id}/{verify,rectify}") are expanded."""
    table = {}
    for line in API_MD.read_text(encoding="utf-8").splitlines():
        cells = line.split("|")
        if len(cells) < 4 or not re.match(r"\s*(GET|POST|PUT|DELETE)\s", cells[1]):
            continue
        who = _who(cells[2])
        method = base = None
        for part in [p.strip() for p in cells[1].split(", ")]:
            m = re.match(r"(GET|POST|PUT|DELETE)\s+(\S+)", part)
            if m:
                method, path = m.group(1), m.group(2).split("?")[0]
            else:
                path = base + part
            choice = re.search(r"\{([a-z_]+(?:,[a-z_]+)+)\}$", path)
            paths = [path[: choice.start()] + c for c in choice.group(1).split(",")] if choice else [path]
            for p in paths:
                table[(method, p)] = who
            base = path.rsplit("/", 1)[0]
    return table


def shape(path: str) -> str:
    """A path with its parameter names erased, for matching API.md against routes."""
    return re.sub(r"\{[^}]+\}", "{}", path)
