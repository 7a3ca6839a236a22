"""The live queue snapshot every display starts from."""
from __future__ import annotations

import json

from hall_server.engine.tickets import estimate_minutes
from hall_server.engine.windows import window_view
from hall_server.store import tickets as rows


def snapshot(hall) -> dict:
    with hall.store.transaction(hall.now()) as tx:
        seq = tx.one("SELECT MAX(seq) AS seq FROM events")["seq"] or 0
        counts = rows.waiting_by_category(tx)
        categories = [{"code": code, "name": rules.name, "prefix": rules.prefix, "waiting": counts.get(code, 0),
                       "est_wait_min": estimate_minutes(hall, tx, code, counts.get(code, 0))}
                      for code, rules in hall.categories.items()]
        windows = [window_view(hall, tx, w) for w in tx.all("SELECT * FROM windows ORDER BY number")]
        calls = tx.all("SELECT seq, type, at, data FROM events WHERE type IN ('ticket.called', 'ticket.recalled') "
                       "ORDER BY seq DESC LIMIT 10")
    recent = [{"seq": c["seq"], "at": c["at"], "recalled": c["type"] == "ticket.recalled", **_call(json.loads(c["data"]))}
              for c in calls]
    return {"seq": seq, "time": hall.now().isoformat(timespec="seconds"), "categories": categories,
            "windows": windows, "recent_calls": recent}


def _call(data: dict) -> dict:
    keys = ("number", "category", "window_id", "window_number", "window_name", "recall_count")
    return {k: data.get(k) for k in keys}
