"""QR payload formats (docs/kiosk-flows.md "QR payloads")."""
import pytest
from hypothesis import given, settings, strategies as st

from kiosk.core.scan import APPOINTMENT, SERVICE_GUIDE, TEXT, TICKET_STATUS, guide_payload, parse_scan


@pytest.mark.parametrize("raw,kind,value", [
    ("http://10.0.0.2:8600/status/AbC_12-x", TICKET_STATUS, "AbC_12-x"),
    ("https://hall.example/api/v1/ticket-status/tok1?x=1", TICKET_STATUS, "tok1"),
    ("HT:TKT:tok9\r\n", TICKET_STATUS, "tok9"),
    ("ht:svc:SB001", SERVICE_GUIDE, "SB001"),
    ("https://zwfw.example.gov.cn/guide/11370100004308282T/", SERVICE_GUIDE, "11370100004308282T"),
    ("HT:APT:APT123\t", APPOINTMENT, "APT123"),
    ("https://book.example/appointments/Q7", APPOINTMENT, "Q7"),
    ("HT:APT:bad code", TEXT, "HT:APT:bad code"),
    ("https://example.com/other/path", TEXT, "https://example.com/other/path"),
    ("http://[::1", TEXT, "http://[::1"),
    ("ABC-123", TEXT, "ABC-123"),
])
def test_payloads(raw, kind, value):
    code = parse_scan(raw)
    assert (code.kind, code.value) == (kind, value)


def test_plain_code_shape_and_guide_payload_roundtrip():
    assert parse_scan("ABC-123").is_plain_code and not parse_scan("两个字").is_plain_code
    assert parse_scan(guide_payload("SB001")).value == "SB001"


@settings(max_examples=300)
@given(st.text(max_size=300) | st.builds(lambda s: "https://h/" + s, st.text(max_size=80)))
def test_any_scan_is_classified_without_raising(raw):
    code = parse_scan(raw)
    assert code.kind in (TEXT, TICKET_STATUS, SERVICE_GUIDE, APPOINTMENT)
    if code.kind != TEXT:
        assert 1 <= len(code.value) <= 64 and code.value.isascii()
