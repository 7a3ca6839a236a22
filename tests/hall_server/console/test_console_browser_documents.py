"""The manager console in real headless Chromium with a 差评 case of a self-printed
document: it arrives live in the case list under its document number and kiosk (it
has no window and no clerk), its detail names the document and the certificate, and
the manager works it like any case."""
from __future__ import annotations

import pytest

from hall_server.certificates.sample_data import BUNDLED, read_rows

pytestmark = [pytest.mark.slow]
PERSON = read_rows(BUNDLED)["persons"][0]      # a synthetic TEST person of the sample data set


@pytest.fixture(scope="module", autouse=True)
def office_hours(site):
    site.clock.set(site.clock.now().replace(hour=9, minute=30))


def bad_self_print(site, kiosk="kiosk-02") -> tuple[str, str]:
    card = {"number": PERSON[0], "name": PERSON[1], "source": "card", "sam_id": "05.01-20230101-0000012345-0123456789"}
    issued = site.call(kiosk, "POST", "/certificates", {"type": "income_tax", "id_card": card,
                                                        "params": {"period_months": 12, "purpose": "购房"}})
    doc_no = issued["doc_no"]
    site.call(kiosk, "POST", f"/certificates/{doc_no}/printed", {"result": "ok"})
    rated = site.call(kiosk, "POST", f"/certificates/{doc_no}/evaluation", {"level": 1, "reasons": ["打印不清楚"]})
    return doc_no, rated["case_id"]


def test_a_self_printed_documents_case_shows_and_is_worked(manager, site):
    manager.open("cases")
    doc_no, case_id = bad_self_print(site)
    row = manager.locator(f"tr[data-case='{case_id}']")
    row.wait_for(timeout=8000)  # live, through the event stream
    cells = row.locator("td").all_inner_texts()
    assert cells[0] == doc_no and cells[2] == "打印不清楚" and cells[3] == "自助终端 kiosk-02" and cells[4] == "—"
    row.click()
    detail = manager.locator("#case-detail")
    detail.locator(f"dd:has-text('{doc_no}')").wait_for()
    labels = detail.locator("dt").all_inner_texts()
    values = dict(zip(labels, detail.locator("dd").all_inner_texts()))
    assert "窗口" not in labels and "工作人员" not in labels and "号码" not in labels
    assert values["证明编号"] == doc_no and values["自助终端"] == "kiosk-02"
    assert values["业务"] == "个人所得税纳税记录" and values["原因"] == "打印不清楚"
    manager.fill("#case-note", "已回访，打印机硒鼓更换")
    detail.locator("[data-step=verify]").click()
    detail.locator("[data-step=verify]").wait_for(state="detached")
    case = site.call("manager", "GET", f"/cases/{case_id}")
    assert case["state"] == "pending_rectify" and case["doc_no"] == doc_no
    assert [(h["action"], h["actor"]) for h in case["history"]] == [("open", "system"), ("verify", "manager")]
    assert PERSON[1] not in manager.content() and PERSON[0] not in manager.content()
