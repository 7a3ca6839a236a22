"""The public verify page and API: genuine, pending, void, expired, unknown, tampered,
content that differs; and one look at the page in headless Chromium on a phone-sized screen."""
import base64
import shutil

import pytest
from fastapi.testclient import TestClient


def printed(kiosk, issue, type_code="social_insurance", person=0, result="ok"):
    body = issue(kiosk, type_code, person).json()
    kiosk.post(f"/certificates/{body['doc_no']}/printed", {"result": result})
    return body


def page(app, token):
    return TestClient(app).get(f"/verify/{token}")


def flip(token: str, index: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[index] ^= 0x04
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def test_a_printed_document_is_genuine_with_its_masked_fields(app, kiosk, issue, persons):
    body = printed(kiosk, issue)
    response = page(app, body["token"])
    html = response.text
    assert response.status_code == 200 and "证明真实有效" in html and "the document is genuine" in html
    assert body["doc_no"] in html and "个人社保参保缴费证明" in html and "示例市社会保险事业管理中心" in html
    assert "张**" in html and body["document"]["holder"]["id_number"] in html and "2026-11-23 09:30" in html
    assert "参保状态" in html and "正常参保" in html and "测试样例数据" in html
    assert persons[0][0] not in html and persons[0][1] not in html
    assert "示例科技有限公司" not in html                             # the employer is on paper only
    assert response.headers["cache-control"] == "no-store" and response.headers["referrer-policy"] == "no-referrer"


def test_pending_void_and_unknown_documents(app, kiosk, hall, issue):
    pending = issue(kiosk, "medical_insurance", 0).json()
    assert "尚未确认打印结果" in page(app, pending["token"]).text
    void = printed(kiosk, issue, "income_tax", 0, result="failed")
    response = page(app, void["token"])
    assert response.status_code == 410 and "该编号证明无效" in response.text and "打印失败" in response.text
    with hall.store.transaction(hall.now()) as tx:
        tx.execute("DELETE FROM certificate_issues WHERE doc_no = ?", (pending["doc_no"],))
    gone = page(app, pending["token"])
    assert gone.status_code == 404 and "没有该编号证明的出具记录" in gone.text


@pytest.mark.parametrize("index, text", [(0, "核验码格式不正确"), (20, "核验码签名不符，证明可能被篡改"),
                                         (-3, "核验码签名不符，证明可能被篡改"), (2, "不是本大厅的密钥签发的")])
def test_a_tampered_token_is_refused_with_the_reason(app, kiosk, issue, index, text):
    token = printed(kiosk, issue)["token"]
    response = page(app, flip(token, index))
    assert response.status_code == 400 and text in response.text and "证明真实有效" not in response.text


def test_a_record_changed_after_signing_is_refused(app, kiosk, hall, issue):
    body = printed(kiosk, issue)
    with hall.store.transaction(hall.now()) as tx:
        tx.execute("UPDATE certificate_issues SET content_digest = ? WHERE doc_no = ?", ("00" * 32, body["doc_no"]))
    response = page(app, body["token"])
    assert response.status_code == 400 and "证明内容与签发时不一致" in response.text


def test_the_api_checks_offered_content_against_the_signed_digest(kiosk, api, issue):
    body = printed(kiosk, issue, "housing_fund")
    public = api(None)
    assert public.get(f"/certificates/verify/{body['token']}").json()["genuine"] is True
    assert public.post("/certificates/verify", {"token": body["token"], "content": body["document"]}).json()["status"] == "valid"
    altered = {**body["document"], "fields": [[label, "999999.00" if "余额" in label else value]
                                              for label, value in body["document"]["fields"]]}
    verdict = public.post("/certificates/verify", {"token": body["token"], "content": altered}).json()
    assert (verdict["genuine"], verdict["status"], verdict["reason"]) == (False, "mismatch", "content")


def test_documents_expire_for_verification_when_the_hall_says_so(hall_with, issue, clock):
    hall, api = hall_with("[certificates]\nverify_valid_days = 90\n")
    kiosk = api("kiosk")
    body = issue(kiosk, "real_estate", 0).json()
    kiosk.post(f"/certificates/{body['doc_no']}/printed", {"result": "ok"})
    verdict = api(None).get(f"/certificates/verify/{body['token']}").json()
    assert verdict["status"] == "valid" and verdict["verifiable_until"].startswith("2027-02-21")
    clock.advance(days=91)
    late = api(None).get(f"/certificates/verify/{body['token']}").json()
    assert (late["genuine"], late["status"], late["message"]) == (False, "expired", "该证明已超过核验有效期")


def test_the_public_key_endpoint_serves_the_key_that_signs(api, kiosk, issue, hall):
    from hall_server.certificates.signing import decode_token, load_public_key
    key = api(None).get("/certificates/public-key").json()
    assert key["algorithm"] == "Ed25519" and key["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")
    token = issue(kiosk, "income_tax", 0).json()["token"]
    assert decode_token(token, load_public_key(key["public_key_pem"])).key_id.hex() == key["key_id"]
    assert (hall.data_dir / "certificate-signing.key").stat().st_mode & 0o777 == 0o600


@pytest.mark.slow
def test_the_verify_page_on_a_phone_in_headless_chromium(live, api, issue, tmp_path, screens_dir):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright
    kiosk = api("kiosk")
    body = issue(kiosk, "social_insurance", 0).json()
    kiosk.post(f"/certificates/{body['doc_no']}/printed", {"result": "ok"})
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                                    "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
            response = phone.goto(f"{live.base_url}/verify/{body['token']}")
            assert response.status == 200 and phone.title().startswith("证明核验")
            assert phone.inner_text("#headline") == "证明真实有效"
            assert phone.inner_text("#doc-no") == body["doc_no"] and phone.inner_text("#holder-name") == "张**"
            colour = phone.eval_on_selector("#verdict", "e => getComputedStyle(e).backgroundColor")
            assert colour == "rgb(27, 127, 59)"                                   # the green of "genuine"
            assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")   # no sideways scroll
            shot = tmp_path / "verify-page.png"
            phone.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000
            tampered = phone.goto(f"{live.base_url}/verify/{flip(body['token'], 20)}")
            assert tampered.status == 400 and "签名不符" in phone.inner_text("#headline")
        finally:
            browser.close()
    if screens_dir is not None:
        shutil.copy(shot, screens_dir / "verify-page.png")
