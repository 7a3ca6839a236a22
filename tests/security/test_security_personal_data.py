"""No full ID number and no full name outside the places DESIGN.md allows (issue 8,
security; DESIGN.md "Personal data", domain.md §4.3 MASK-01..03).

A busy hour on the real server with real-name residents (synthetic ID numbers): real-
name tickets, refusals that involve the card (bad checksum, per-person limit, too
long), appointments imported by the manager and by the admin command's CSV, looked
up and checked in by card, services rated (bad ratings with comments open cases),
certificates self-printed. Then every place a resident's data could leak is read:

- the server process's stdout and stderr (its Python logging), the admin command's
  output, and the kiosk client's own log records;
- the event stream, read over HTTP from seq 0, and the events table;
- the database: every table as text and the raw bytes of the file and its WAL;
- every API answer, certificate documents included (they carry masked names too);
- the printed ticket: the API's ticket JSON through kiosk/core/receipt, the kiosk's
  device mapping and the printer driver's ESC/POS encoder, as bytes.

Only the masked forms may appear (3701**********123X, 欧阳**).
"""
from __future__ import annotations

import csv
import json
import logging
import re
import subprocess
import sys

import pytest
import requests

from kiosk.hall_client import HallClient, new_request_id

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

NAMES = ["欧阳测甲", "司马试乙", "诸葛验丙", "上官示丁", "𠮷野花子", "买买提·艾力", "龘靐齉", "王小测",
         "李试验", "赵示例", "钱测名", "孙验名"]
REAL_NAME_CATEGORIES = ["C", "D", "E", "F", "G"]


def residents(runner) -> list[tuple[str, str]]:
    """(synthetic ID number, name) pairs; birth dates 1980-01-01 + n days."""
    return [(runner.synthetic_id(f"370102198001{1 + n:02d}{100 + n:03d}"), name) for n, name in enumerate(NAMES)]


@pytest.fixture(scope="module")
def served(tmp_path_factory, runner):
    root = tmp_path_factory.mktemp("personal")
    port = runner.free_port()
    config = runner.all_day_hall(root / "hall.toml", port)
    windows = {f"w{n}": ("counter", f"w{n}") for n in range(14, 23)}
    tokens = runner.prepare_tokens(root / "data", {"kiosk": ("kiosk", None), "manager": ("manager", None),
                                                   "display": ("display", None), **windows}, config)
    server = runner.HallRun(root / "data", port=port, config=config).start()
    server.tokens, server.config_path, server.root = tokens, config, root
    yield server
    server.kill()


class Recorder:
    """Every answer the hall gave during the day (text); certificate documents kept apart too."""

    def __init__(self):
        self.answers: list[str] = []
        self.tickets: list[dict] = []
        self.documents: list[dict] = []

    def keep(self, r: requests.Response) -> requests.Response:
        body = r.json() if r.headers.get("content-type", "").startswith("application/json") else r.text
        if isinstance(body, dict) and "document" in body:
            self.documents.append(body["document"])
        self.answers.append(json.dumps(body, ensure_ascii=False))
        return r


def busy_hour(server, runner, people, rec: Recorder) -> None:
    t = server.tokens
    kiosk, manager = server.token_session(t["kiosk"]), server.token_session(t["manager"])
    for n, (number, name) in enumerate(people):
        for category in (REAL_NAME_CATEGORIES[n % 5], "A"):
            r = rec.keep(kiosk.post(server.url("/tickets"), json={"category_code": category, "request_id": new_request_id(),
                                                                    "id_card": {"number": number, "name": name}}))
            assert r.status_code == 201, r.text
            rec.tickets.append(r.json())
    number, name = people[0]
    for bad in (number[:-1] + ("0" if number[-1] != "0" else "1"), number + "9"):
        rec.keep(kiosk.post(server.url("/tickets"), json={"category_code": "C", "id_card": {"number": bad, "name": name}}))
    for _ in range(2):   # C allows 2 a day per person: the third is refused
        rec.keep(kiosk.post(server.url("/tickets"), json={"category_code": "C", "id_card": {"number": number, "name": name}}))
    appointments(server, runner, people, manager, kiosk, rec)
    serve_and_rate(server, rec)
    certificates(server, certificate_holders(), kiosk, rec)


def appointments(server, runner, people, manager, kiosk, rec: Recorder) -> None:
    now = requests.get(server.url("/health"), timeout=5).json()["time"]
    hour = now[:13]
    for n, (number, name) in enumerate(people[:4]):
        rec.keep(manager.post(server.url("/appointments"), json={
            "code": f"YY{n:03d}", "service_code": None or first_service(server), "slot_start": f"{hour}:00:00+08:00",
            "slot_end": f"{hour}:59:00+08:00", "id_card": {"number": number, "name": name}})).raise_for_status()
    path = server.root / "bookings.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code", "service_code", "slot_start", "slot_end", "id_number", "name"])
        for n, (number, name) in enumerate(people[4:7]):
            writer.writerow([f"CSV{n}", first_service(server), f"{hour}:00:00", f"{hour}:59:00", number, name])
    done = subprocess.run([sys.executable, "-m", "hall_server", "admin", "--config", str(server.config_path), "--data-dir",
                           str(server.data_dir), "import-appointments", str(path)], cwd=runner.ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    server.admin_output = done.stdout + done.stderr
    path.unlink()
    for number, name in people[:6]:
        found = rec.keep(kiosk.post(server.url("/appointments/lookup"), json={"id_card": {"number": number, "name": name}}))
        for appointment in found.json()["appointments"]:
            rec.keep(kiosk.post(server.url(f"/appointments/{appointment['code']}/check-in"),
                                json={"request_id": new_request_id(), "id_card": {"number": number, "name": name}}))


def first_service(server) -> str:
    if not hasattr(server, "_service"):
        hall = server.token_session(server.tokens["kiosk"]).get(server.url("/hall"), timeout=5).json()
        server._service = next(s["code"] for s in hall["services"] if s["category"] == "A")
    return server._service


def serve_and_rate(server, rec: Recorder) -> None:
    for n in range(14, 23):
        counter = server.token_session(server.tokens[f"w{n}"])
        for turn in range(3):
            called = rec.keep(counter.post(server.url(f"/windows/w{n}/call-next"), json={}))
            if called.status_code != 200:
                break
            for step in ("start", "finish"):
                rec.keep(counter.post(server.url(f"/windows/w{n}/{step}"), json={})).raise_for_status()
            bad = turn == 1
            rec.keep(counter.post(server.url("/evaluations"), json={
                "ticket_id": called.json()["id"], "level": 1 if bad else 5, "channel": "pad",
                **({"reasons": ["态度不好"], "comment": "窗口人员态度生硬"} if bad else {})})).raise_for_status()


def certificate_holders() -> list[tuple[str, str]]:
    """Synthetic persons of the bundled sample provider who have a social-insurance record."""
    from hall_server.certificates.sample_data import BUNDLED
    import sqlite3
    conn = sqlite3.connect(f"file:{BUNDLED}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT p.id_number, p.name FROM persons p JOIN employments e USING (id_number) "
                            "WHERE length(p.name) >= 3 GROUP BY p.id_number ORDER BY p.id_number LIMIT 3").fetchall()
    finally:
        conn.close()


def certificates(server, holders, kiosk, rec: Recorder) -> None:
    types = kiosk.get(server.url("/certificates/types"), timeout=5).json()["types"]
    kind = next(k for k in types if k["code"] == "social_insurance")
    params = {"period_months": (kind["periods"] or [None])[0], "purpose": (kind["purposes"] or [None])[0]}
    for number, name in holders:
        r = rec.keep(kiosk.post(server.url("/certificates"), json={
            "type": kind["code"], "params": params, "request_id": new_request_id(),
            "id_card": {"number": number, "name": name, "source": "card", "sam_id": "SAM-TEST-0001"}}))
        assert r.status_code == 201, r.text
        rec.keep(kiosk.post(server.url(f"/certificates/{r.json()['doc_no']}/printed"), json={"result": "ok"}))


def leaks(text: str, people) -> list[str]:
    return [f"{what}: {value}" for number, name in people for what, value in (("id", number), ("name", name))
            if value in text]


def read_stream(server, last: int) -> str:
    headers = {"Authorization": f"Bearer {server.tokens['display']}"}
    out, seen = [], 0
    with requests.get(server.url("/events"), params={"since": 0}, headers=headers, stream=True, timeout=10) as r:
        for line in r.iter_lines(decode_unicode=True):
            out.append(line)
            if line.startswith("id: "):
                seen = int(line[4:])
            if seen >= last:
                break
    return "\n".join(out)


def printed_bytes(server, ticket: dict) -> tuple[bytes, str]:
    """The ticket as the kiosk prints it: core receipt → device mapping → ESC/POS bytes."""
    from drivers.printer.encoder import ReceiptEncoder
    from kiosk.core.directory import HallDirectory
    from kiosk.core.receipt import receipt_from_ticket
    from kiosk.devices import ReceiptPrinter

    hall = server.token_session(server.tokens["kiosk"]).get(server.url("/hall"), timeout=5).json()
    receipt = receipt_from_ticket(ticket, HallDirectory.from_hall(hall), status_url_template="http://hall/t/{token}")

    class Paper:
        encoder = ReceiptEncoder()

        def print_receipt(self, slip, timeout):
            self.slip, self.data = slip, self.encoder.encode(slip)

    paper = Paper()
    ReceiptPrinter(paper).print_receipt(receipt)
    return paper.data, repr(paper.slip)


def test_a_busy_hour_leaves_no_full_id_or_name_anywhere(served, runner, caplog):
    rec = Recorder()
    with caplog.at_level(logging.DEBUG):
        busy_hour(served, runner, residents(runner), rec)
        people = residents(runner) + certificate_holders()
        client = HallClient(served.base_url, served.tokens["kiosk"])   # the production client logs too
        number, name = people[8]
        client.issue_ticket(category_code="A", id_card={"number": number, "name": name}, request_id=new_request_id())
    last = served.query("SELECT MAX(seq) AS seq FROM events")[0]["seq"]
    evaluations = served.query("SELECT * FROM evaluations")
    assert len(rec.tickets) == 2 * len(NAMES) and len(evaluations) >= 9
    assert len(served.query("SELECT * FROM certificate_issues")) == 3
    assert any(e["evaluator_name_masked"] for e in evaluations)

    places = {
        "server log": served.log_text(),
        "admin command": served.admin_output,
        "client log": "\n".join(r.getMessage() for r in caplog.records),
        "event stream": read_stream(served, last),
        "answers": "\n".join(rec.answers),
    }
    for table in [r["name"] for r in served.query("SELECT name FROM sqlite_master WHERE type = 'table'")]:
        places[f"table {table}"] = json.dumps(served.query(f'SELECT * FROM "{table}"'), ensure_ascii=False)
    files = [served.db_path, served.db_path.with_name("hall.sqlite3-wal")]
    raw = b"".join(p.read_bytes() for p in files if p.exists())
    found = {where: leaks(text, people) for where, text in places.items()}
    found["database bytes"] = [f"{n}" for number, name in people for n in (number, name) if n.encode() in raw]
    assert {k: v for k, v in found.items() if v} == {}
    assert len(rec.documents) == 3     # certificate documents were scanned with the answers: masked too
    assert leaks(f"办事人 {people[4][1]}", people) == [f"name: {people[4][1]}"]   # the scanner itself works

    # the masked forms are what is kept and shown
    kept = served.query("SELECT person_masked, name_masked FROM tickets WHERE person_masked IS NOT NULL")
    assert kept and all(re.fullmatch(r"\d{4}\*{10}[\dX]{4}", k["person_masked"]) for k in kept)
    assert {"欧阳**", "𠮷***", "买**·**"} <= {k["name_masked"] for k in kept}
    assert '"ticket.issued"' in places["event stream"] or "ticket.issued" in places["event stream"]


def test_the_printed_ticket_carries_only_the_masked_name(served, runner):
    people = residents(runner)
    kiosk = served.token_session(served.tokens["kiosk"])
    number, name = people[0]
    ticket = kiosk.post(served.url("/tickets"), json={"category_code": "A", "id_card": {"number": number, "name": name}}).json()
    data, slip = printed_bytes(served, ticket)
    assert ticket["number"].encode() in data or ticket["number"] in slip
    assert "欧阳**" in slip
    assert number.encode() not in data and name not in slip
    assert name.encode("gbk") not in data and name.encode("utf-8") not in data


def test_hall_screens_and_the_phone_see_no_personal_data(served, runner):
    number, name = residents(runner)[1]
    kiosk = served.token_session(served.tokens["kiosk"])
    ticket = kiosk.post(served.url("/tickets"), json={"category_code": "A", "id_card": {"number": number, "name": name}}).json()
    shown = served.token_session(served.tokens["display"]).get(served.url(f"/tickets/{ticket['id']}"), timeout=5).json()
    assert "name_masked" not in shown and "id_masked" not in shown and shown["real_name"] is True
    phone = requests.get(served.url(f"/ticket-status/{ticket['status_token']}"), timeout=5).json()
    assert not {"name_masked", "id_masked", "real_name"} & set(phone)
    assert "司马" not in json.dumps(phone, ensure_ascii=False) and number[:6] not in json.dumps(phone)
    queue = served.token_session(served.tokens["display"]).get(served.url("/queue"), timeout=5).text
    assert "司马" not in queue
