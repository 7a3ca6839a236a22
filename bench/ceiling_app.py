"""The ceiling for bench_issue.py: a bare FastAPI endpoint doing one SQLite insert
per request, with the same pragmas as the hall store (WAL, synchronous=NORMAL)."""
from __future__ import annotations

import os
import sqlite3
import threading

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()
_conn = sqlite3.connect(os.environ.get("CEILING_DB", "/tmp/ceiling.sqlite3"), check_same_thread=False,
                        isolation_level=None)
_conn.execute("PRAGMA journal_mode=WAL")
_conn.execute("PRAGMA synchronous=NORMAL")
_conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, category TEXT, request_id TEXT)")
_lock = threading.Lock()


class Body(BaseModel):
    category_code: str
    request_id: str | None = None


@app.post("/api/v1/tickets", status_code=201)
def insert(body: Body):
    with _lock:
        cur = _conn.execute("INSERT INTO t (category, request_id) VALUES (?, ?)", (body.category_code, body.request_id))
    return {"id": cur.lastrowid}
