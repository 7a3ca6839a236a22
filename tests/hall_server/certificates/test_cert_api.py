"""The certificate API on a real SQLite file: issue, card-only identification, parameters,
limits, print results, the reprint rule, ratings, the log — and what is never stored."""
import json

import pytest

from hall_server.certificates.content import content_digest, doc_number_ok
from hall_server.certificates.signing import decode_token, load_public_key
from hall_server.domain.persons import hash_id


def rows(hall, table="certificate_issues"):
    return hall.store.all(f"SELECT * FROM {table}")


def test_types_list_the_five_common_certificates_with_their_choices(kiosk, api):
    types = kiosk.get("/certificates/types").json()["types"]
    assert [t["code"] for t in types] == ["social_insurance", "medical_insurance", "income_tax", "housing_fund", "real_estate"]
    tax = types[2]
    assert tax["name"] == "个人所得税纳税记录" and tax["periods"] == [6, 12, 24] and tax["identification"] == "card"
    assert api(None).get("/certificates/types").status_code == 401


def test_issue_returns_a_masked_signed_document_and_logs_only_hashes_and_masks(kiosk, hall, app, issue, persons):
    response = issue(kiosk, "income_tax", 0, request_id="r-1")
    assert response.status_code == 201, response.text
    body = response.json()
    number, name = persons[0][0], persons[0][1]
    assert number not in response.text and name not in response.text
    assert doc_number_ok(body["doc_no"]) and body["doc_no"].startswith("GS20261123")
    assert body["verify_url"] == f"http://testserver/verify/{body['token']}"
    document = body["document"]
    assert document["holder"] == {"id_number": number[:4] + "*" * 10 + number[-4:], "name": "张**"}
    assert document["params"] == {"period_months": 12, "purpose": "购房"} and document["period"] == "2025年11月 至 2026年10月"
    assert content_digest(document).hex() == body["digest"]
    public = load_public_key(api_public_key(kiosk))
    claims = decode_token(body["token"], public)
    assert (claims.doc_no, claims.type_code, claims.digest_hex) == (body["doc_no"], "income_tax", body["digest"])
    [row] = rows(hall)
    assert row["person_hash"] == hash_id(number, hall.id_key) and row["person_masked"] == document["holder"]["id_number"]
    assert (row["name_masked"], row["kiosk"], row["reader_sam"], row["print_state"]) == ("张**", "test-kiosk",
                                                                                         "05.01-20230101-0000012345-0123456789", "pending")
    [event] = hall.store.all("SELECT type, data FROM events WHERE type LIKE 'certificate.%'")
    assert json.loads(event["data"]) == {"doc_no": body["doc_no"], "type": "income_tax", "kiosk": "test-kiosk"}
    assert hall.store.one("SELECT result FROM audit WHERE action = 'certificate.issue'")["result"] == "ok"


def api_public_key(client) -> str:
    return client.get("/certificates/public-key").json()["public_key_pem"]


def test_nothing_personal_and_no_document_content_is_stored_anywhere(kiosk, hall, issue, persons):
    body = issue(kiosk, "social_insurance", 0, request_id="r-2").json()
    kiosk.post(f"/certificates/{body['doc_no']}/printed", {"result": "ok", "request_id": "r-3"})
    issue(kiosk, "real_estate", 0)
    number, name = persons[0][0], persons[0][1]
    table_values = {cell for table in body["document"]["tables"] for row in table["rows"] for cell in row[1:]}
    dump = "\n".join(json.dumps(r, ensure_ascii=False) for t in ("certificate_issues", "events", "audit", "idempotency",
                                                                   "counters") for r in rows(hall, t))
    assert number not in dump and name not in dump
    assert not [value for value in table_values if value in dump]       # employer, amounts: never kept
    assert "示例科技有限公司" in json.dumps(body["document"], ensure_ascii=False)   # … though they were printed
    files = b"".join(p.read_bytes() for p in hall.data_dir.rglob("*") if p.is_file() and not p.name.endswith(".key"))
    assert number.encode() not in files and name.encode() not in files


def test_a_retried_request_returns_the_same_document_without_a_second_record(kiosk, hall, issue):
    first = issue(kiosk, "income_tax", 0, request_id="same-1")
    again = issue(kiosk, "income_tax", 0, request_id="same-1")
    assert again.status_code == 201 and again.headers.get("idempotent-replay") == "true"
    assert again.json()["doc_no"] == first.json()["doc_no"] and again.json()["document"] == first.json()["document"]
    assert len(rows(hall)) == 1


def test_a_request_id_reused_for_another_person_is_refused(kiosk, issue):
    issue(kiosk, "real_estate", 0, request_id="same-2")
    response = issue(kiosk, "real_estate", 1, request_id="same-2")
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"


@pytest.mark.parametrize("card_kw", [{"source": "keypad"}, {"sam_id": None}, {"sam_id": ""}])
def test_a_typed_number_or_a_card_without_reader_proof_is_refused(kiosk, hall, issue, card_kw):
    response = issue(kiosk, "income_tax", 0, **card_kw)
    assert response.status_code == 422 and response.json()["error"]["code"] == "card_required"
    assert response.json()["error"]["message"].startswith("打印证明须在读卡器上刷身份证原件")
    assert rows(hall) == []
    assert hall.store.one("SELECT result FROM audit WHERE action = 'certificate.issue'")["result"] == "refused:card_required"


def test_only_registered_readers_may_identify_at_a_listed_kiosk(hall_with, issue):
    hall, api = hall_with('[certificates.trusted_readers]\n"test-kiosk" = ["05.01-20230101-0000099999-0000000001"]\n')
    refused = issue(api("kiosk"), "income_tax", 0)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "reader_not_trusted"
    allowed = issue(api("kiosk"), "income_tax", 0, sam_id="05.01-20230101-0000099999-0000000001")
    assert allowed.status_code == 201


@pytest.mark.parametrize("params, fragment", [
    ({"period_months": 7, "purpose": "购房"}, "period_months"), ({"period_months": 12}, "purpose"),
    ({"period_months": 12, "purpose": "炒股"}, "purpose"),
])
def test_parameters_must_be_among_the_types_choices(kiosk, issue, params, fragment):
    response = issue(kiosk, "income_tax", 0, params=params)
    assert response.status_code == 422 and fragment in response.json()["error"]["message_en"]


def test_unknown_types_bad_numbers_and_other_roles_are_refused(kiosk, api, issue, card):
    assert issue(kiosk, "marriage_record", 0).json()["error"]["code"] == "unknown_certificate_type"
    bad = {"type": "income_tax", "id_card": {**card(0), "number": "110105194912310021"},
           "params": {"period_months": 12, "purpose": "购房"}}
    assert kiosk.post("/certificates", bad).status_code == 422
    assert issue(api("counter"), "income_tax", 0).status_code == 403


def test_the_daily_limit_counts_per_person_and_type_and_spares_failed_prints(kiosk, hall, issue, clock):
    first, second = issue(kiosk, "real_estate", 0).json(), issue(kiosk, "real_estate", 0).json()
    third = issue(kiosk, "real_estate", 0)
    assert third.status_code == 409 and third.json()["error"]["code"] == "person_limit"
    assert third.json()["error"]["details"] == {"type": "real_estate", "limit": 2}
    assert issue(kiosk, "real_estate", 1).status_code == 201          # another person
    assert issue(kiosk, "income_tax", 0).status_code == 201           # another type
    kiosk.post(f"/certificates/{first['doc_no']}/printed", {"result": "failed", "reason": "paper jam"})
    assert issue(kiosk, "real_estate", 0).status_code == 201          # a failed print does not count
    kiosk.post(f"/certificates/{second['doc_no']}/printed", {"result": "cancelled"})
    assert issue(kiosk, "real_estate", 0).status_code == 201          # nor a cancelled one
    assert issue(kiosk, "real_estate", 0).status_code == 409
    clock.advance(days=1)
    assert issue(kiosk, "real_estate", 0).status_code == 201          # a new day


def test_the_limit_is_checked_before_asking_the_provider(kiosk, app, issue):
    from hall_server.certificates.desk import CertificateDesk
    desk = CertificateDesk.of(app)
    calls = []
    sample = desk.providers["sample"]
    desk.providers["sample"] = type("Counting", (), {"fetch": lambda self, r: calls.append(r) or sample.fetch(r)})()
    issue(kiosk, "real_estate", 0), issue(kiosk, "real_estate", 0), issue(kiosk, "real_estate", 0)
    assert len(calls) == 2


def test_print_results_are_recorded_once_by_the_issuing_kiosk(kiosk, other_kiosk, hall, issue):
    doc_no = issue(kiosk, "income_tax", 0).json()["doc_no"]
    assert other_kiosk.post(f"/certificates/{doc_no}/printed", {"result": "ok"}).status_code == 403
    done = kiosk.post(f"/certificates/{doc_no}/printed", {"result": "ok", "request_id": "p-1"})
    assert done.status_code == 200 and done.json()["print_state"] == "printed" and not done.json()["reprint_allowed"]
    assert kiosk.post(f"/certificates/{doc_no}/printed", {"result": "ok", "request_id": "p-1"}).status_code == 200
    again = kiosk.post(f"/certificates/{doc_no}/printed", {"result": "failed"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "bad_state"
    assert kiosk.post("/certificates/GS2026112300099/printed", {"result": "ok"}).status_code == 404
    assert kiosk.post(f"/certificates/{doc_no}/printed", {"result": "maybe"}).status_code == 422
    [row] = rows(hall)
    assert (row["print_state"], row["printed_at"]) == ("printed", "2026-11-23T09:30:00+08:00")


def test_one_reprint_within_the_window_keeps_the_number_and_the_single_record(kiosk, hall, issue, clock):
    doc_no = issue(kiosk, "housing_fund", 0).json()["doc_no"]
    failed = kiosk.post(f"/certificates/{doc_no}/printed", {"result": "failed", "reason": "media-jam"}).json()
    assert failed["reprint_allowed"] and failed["reprint_until"] == "2026-11-23T09:40:00+08:00"
    clock.advance(minutes=4)
    reprint = kiosk.post(f"/certificates/{doc_no}/reprint", {"request_id": "rp-1"})
    assert reprint.status_code == 200 and reprint.json()["print_state"] == "reprinting"
    second = kiosk.post(f"/certificates/{doc_no}/printed", {"result": "failed", "reason": "media-jam"}).json()
    assert not second["reprint_allowed"]
    refused = kiosk.post(f"/certificates/{doc_no}/reprint", {})
    assert refused.status_code == 409 and refused.json()["error"]["details"]["reason"] == "limit"
    [row] = rows(hall)
    assert (row["reprints"], row["print_state"], row["print_reason"]) == (1, "failed", "media-jam")


def test_no_reprint_after_the_window_or_after_success(kiosk, issue, clock):
    late = issue(kiosk, "income_tax", 0).json()["doc_no"]
    clock.advance(minutes=11)
    answer = kiosk.post(f"/certificates/{late}/printed", {"result": "failed"}).json()
    assert not answer["reprint_allowed"]
    refused = kiosk.post(f"/certificates/{late}/reprint", {}).json()["error"]
    assert refused["code"] == "reprint_not_allowed" and refused["details"]["reason"] == "window" and "09:40" in refused["message"]
    fine = issue(kiosk, "income_tax", 1).json()["doc_no"]
    kiosk.post(f"/certificates/{fine}/printed", {"result": "ok"})
    assert kiosk.post(f"/certificates/{fine}/reprint", {}).json()["error"]["details"]["reason"] == "state"


def test_a_department_refusal_is_typed_audited_and_leaves_no_record(kiosk, hall, issue, persons):
    response = issue(kiosk, "social_insurance", 5)
    error = response.json()["error"]
    assert response.status_code == 409 and error["code"] == "certificate_refused" and error["details"]["reason"] == "no_record"
    assert error["message"].startswith("未查询到您的社会保险参保记录") and persons[5][0] not in response.text
    assert rows(hall) == []
    assert hall.store.one("SELECT target, result FROM audit") == {"target": "social_insurance",
                                                                  "result": "refused:certificate_refused"}


def test_an_unreachable_department_is_424_provider_unavailable(hall_with, issue):
    hall, api = hall_with("""
[[certificates.providers]]
name = "sample"
kind = "sample"

[[certificates.providers]]
name = "tax-bureau"
kind = "http"
url = "http://127.0.0.1:9/tax"
timeout_seconds = 0.5
retries = 1
backoff_seconds = 0.01

[[certificates.types]]
code = "income_tax"
name = "个人所得税纳税记录"
department = "国家税务总局示例市税务局"
provider = "tax-bureau"
doc_prefix = "GS"
periods = [12]
purposes = ["购房"]
""")
    response = issue(api("kiosk"), "income_tax", 0)
    assert response.status_code == 424 and response.json()["error"]["code"] == "provider_unavailable"
    assert [t["code"] for t in api("kiosk").get("/certificates/types").json()["types"]] == ["income_tax"]
    assert rows(hall) == []


def test_one_rating_per_document_with_reasons_for_a_bad_one(kiosk, hall, issue):
    doc_no = issue(kiosk, "medical_insurance", 0).json()["doc_no"]
    assert kiosk.post(f"/certificates/{doc_no}/evaluation", {"level": 1}).status_code == 422
    rated = kiosk.post(f"/certificates/{doc_no}/evaluation", {"level": 2, "reasons": ["等候时间过长"]})
    assert rated.status_code == 201 and rated.json()["level_name"] == "不满意"
    assert kiosk.post(f"/certificates/{doc_no}/evaluation", {"level": 5}).status_code == 409
    [event] = hall.store.all("SELECT data FROM events WHERE type = 'certificate.evaluated'")
    assert json.loads(event["data"]) == {"doc_no": doc_no, "type": "medical_insurance", "level": 2}


def test_the_manager_sees_the_days_log_masked_and_a_kiosk_does_not(kiosk, api, issue, persons):
    issue(kiosk, "income_tax", 0), issue(kiosk, "real_estate", 3)
    log = api("manager").get("/certificates/issues")
    assert log.status_code == 200 and log.json()["day"] == "2026-11-23"
    assert [(r["type"], r["name_masked"]) for r in log.json()["issues"]] == [("real_estate", "欧阳**"), ("income_tax", "张**")]
    assert "person_hash" not in log.json()["issues"][0] and persons[3][0] not in log.text
    assert api("manager").get("/certificates/issues?day=2026-11-22").json()["issues"] == []
    assert kiosk.get("/certificates/issues").status_code == 403
