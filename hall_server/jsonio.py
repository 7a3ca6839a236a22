"""JSON out, fast: orjson for the server's hot paths (answers, stored events, event
frames), the standard library for what orjson refuses (integers beyond 64 bits that
a device may report), so any value the API accepted can still be written."""
from __future__ import annotations

import json
from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON."""
    try:
        return orjson.dumps(value, option=_OPTIONS)
    except TypeError:
        # ensure_ascii: a lone surrogate orjson would refuse still encodes as \\udXXX
        return json.dumps(value, separators=(",", ":")).encode()


loads = orjson.loads
