"""The HTTP provider adapter against a real loopback HTTP server: mapping, refusals,
retries on 5xx and timeouts, no retry on 4xx, and no ID number in any log line."""
import json
import logging
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hall_server.certificates.http_provider import HttpProvider, dig
from hall_server.certificates.providers import CertificateRequest, ProviderRefusal, ProviderUnavailable
from hall_server.config.certificates import HttpProvider as HttpSettings

NUMBER, NAME = "11010519491231002X", "张三"       # GB 11643's own example number (synthetic)
ANSWER = {"code": "0", "msg": "成功", "data": {"cbzt": "正常参保", "dwmc": "示例科技有限公司", "ljys": 69,
                                              "list": [{"ny": "2026-09", "jfjs": 18800.0}, {"ny": "2026-10", "jfjs": 18800.0}]}}


class Department:
    """A scripted department interface: each request takes the next (status, body, delay)."""

    def __init__(self):
        self.script: list[tuple[int, object, float]] = []
        self.requests: list[dict] = []
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/cbzm"

    def _handler(self):
        department = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                department.requests.append({"body": json.loads(self.rfile.read(length) or b"{}"),
                                            "auth": self.headers.get("Authorization")})
                status, body, delay = department.script.pop(0) if department.script else (200, ANSWER, 0)
                time.sleep(delay)
                payload = body.encode() if isinstance(body, str) else json.dumps(body, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass        # the client gave up (timeout): that is the point of the test

            def log_message(self, *args):
                pass

        return Handler

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def department():
    dept = Department()
    yield dept
    dept.close()


def provider(url, sleeps=None, **overrides):
    settings = HttpSettings.model_validate({
        "name": "si-city", "kind": "http", "url": url, "timeout_seconds": 0.5, "retries": 2, "backoff_seconds": 0.01,
        "token_env": "HALLTERM_TEST_SI_TOKEN",
        "request_fields": {"id_number": "aac002", "name": "aac003", "period_months": "months", "purpose": "yt"},
        "ok_path": "code", "ok_value": "0", "message_path": "msg",
        "fields": [{"label": "参保状态", "path": "data.cbzt", "summary": True}, {"label": "参保单位", "path": "data.dwmc"},
                   {"label": "累计缴费月数", "path": "data.ljys"}],
        "tables": [{"title": "缴费明细", "rows_path": "data.list",
                    "columns": [{"label": "年月", "key": "ny"}, {"label": "缴费基数", "key": "jfjs"}]}],
        **overrides})
    recorded = sleeps if sleeps is not None else []
    return HttpProvider(settings, sleep=recorded.append)


def request():
    return CertificateRequest("social_insurance", NUMBER, NAME, date(2026, 11, 23), 12, "购房")


def test_a_mapped_answer_becomes_fields_tables_and_summary(department, monkeypatch):
    monkeypatch.setenv("HALLTERM_TEST_SI_TOKEN", "secret-token")
    data = provider(department.url).fetch(request())
    assert data.fields == (("参保状态", "正常参保"), ("参保单位", "示例科技有限公司"), ("累计缴费月数", "69"))
    assert data.summary == (("参保状态", "正常参保"),)
    assert data.tables[0].columns == ("年月", "缴费基数") and data.tables[0].rows == (("2026-09", "18800"), ("2026-10", "18800"))
    [sent] = department.requests
    assert sent["body"] == {"aac002": NUMBER, "aac003": NAME, "months": 12, "yt": "购房"}
    assert sent["auth"] == "Bearer secret-token"


def test_a_refusal_carries_the_departments_text(department):
    department.script.append((200, {"code": "E102", "msg": "该人员参保状态异常"}, 0))
    with pytest.raises(ProviderRefusal) as caught:
        provider(department.url).fetch(request())
    assert caught.value.message.startswith("该人员参保状态异常") and caught.value.status == 409
    assert len(department.requests) == 1                                # a refusal is not retried


def test_server_errors_are_retried_with_backoff_then_succeed(department):
    sleeps = []
    department.script += [(500, {"error": "busy"}, 0), (503, "", 0)]
    data = provider(department.url, sleeps).fetch(request())
    assert dict(data.fields)["参保状态"] == "正常参保"
    assert len(department.requests) == 3 and sleeps == [0.01, 0.02]
    assert department.requests[0]["body"] == department.requests[2]["body"]


def test_a_slow_department_times_out_on_every_attempt_and_is_unavailable(department, caplog):
    department.script += [(200, ANSWER, 1.0)] * 3
    sleeps = []
    started = time.monotonic()
    with caplog.at_level(logging.WARNING), pytest.raises(ProviderUnavailable) as caught:
        provider(department.url, sleeps).fetch(request())
    assert time.monotonic() - started < 2.9            # three 0.5 s timeouts, not three 1 s answers
    assert caught.value.status == 424 and "Timeout" in caught.value.detail and "3 attempts" in caught.value.detail
    assert len(sleeps) == 2
    assert NUMBER not in caplog.text and NAME not in caplog.text and "si-city" in caplog.text


def test_client_errors_and_bad_answers_are_not_retried(department):
    department.script += [(400, {"error": "bad"}, 0)]
    with pytest.raises(ProviderUnavailable):
        provider(department.url).fetch(request())
    assert len(department.requests) == 1
    department.script += [(200, "<html>gateway</html>", 0)]
    with pytest.raises(ProviderUnavailable) as caught:
        provider(department.url).fetch(request())
    assert "not JSON" in caught.value.detail
    department.script += [(200, {"code": "0", "data": {"list": "oops"}}, 0)]
    with pytest.raises(ProviderUnavailable):
        provider(department.url).fetch(request())


def test_nobody_listening_is_unavailable_after_retries():
    sleeps = []
    with pytest.raises(ProviderUnavailable) as caught:
        provider("http://127.0.0.1:9/none", sleeps).fetch(request())
    assert "ConnectionError" in caught.value.detail and len(sleeps) == 2
    assert caught.value.message.startswith("出具部门的系统暂时无法连接")


def test_dotted_paths_read_dicts_and_lists_and_missing_is_none():
    data = {"a": {"b": [{"c": 1}, {"c": 2}]}}
    assert dig(data, "a.b.1.c") == 2 and dig(data, "a.x.c") is None and dig(data, "a.b.9") is None
    assert dig(data, "") == data


def test_the_config_refuses_unknown_request_keys_and_a_missing_id_mapping():
    with pytest.raises(Exception) as caught:
        HttpSettings.model_validate({"name": "x", "kind": "http", "url": "http://h/", "request_fields": {"idcard": "x"}})
    assert "unknown request keys" in str(caught.value)
    with pytest.raises(Exception) as caught:
        HttpSettings.model_validate({"name": "x", "kind": "http", "url": "http://h/", "request_fields": {"name": "x"}})
    assert "id_number must be mapped" in str(caught.value)
