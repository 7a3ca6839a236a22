"""The adapter for a department's HTTP interface: JSON POST, timeouts, retries, field mapping.

Request: a JSON object whose keys are renamed by ``request_fields`` (ours → theirs).
Answer: JSON; ``ok_path`` must hold ``ok_value`` or the answer is a refusal whose
text is at ``message_path``. Labelled values and tables are read from dotted paths.
Retried (with the same body, doubling delays): connection errors, timeouts and
5xx. Not retried: 4xx and refusals — asking again will not change the answer.
Logs carry the provider name, status and attempt, never the body (it holds the ID).
"""
from __future__ import annotations

import logging
import os
import time
from typing import Any, Callable

import requests

from hall_server.certificates.providers import (CertificateData, CertificateRequest, ProviderRefusal,
                                                ProviderUnavailable, Table)

log = logging.getLogger(__name__)
_TRANSIENT = (requests.ConnectionError, requests.Timeout)


def dig(data: Any, path: str) -> Any:
    """The value at dotted ``path`` (``data.list.0.name``), or None where it is missing."""
    for part in path.split(".") if path else ():
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class HttpProvider:
    """A department interface configured by ``hall_server.config.certificates.HttpProvider``."""

    def __init__(self, settings, *, session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.settings = settings
        self._session = session or requests.Session()
        self._sleep = sleep

    def fetch(self, request: CertificateRequest) -> CertificateData:
        answer = self._post(self._body(request))
        s = self.settings
        if _text(dig(answer, s.ok_path)) != s.ok_value:
            message = _text(dig(answer, s.message_path)).strip()[:200] or "出具部门未能出具该证明"
            raise ProviderRefusal("refused", f"{message}。如有疑问请到窗口咨询",
                                  "the issuing department declined to issue this document; please ask at a window")
        fields = tuple((f.label, _text(dig(answer, f.path))) for f in s.fields)
        summary = tuple((f.label, _text(dig(answer, f.path))) for f in s.fields if f.summary)
        return CertificateData(fields, tuple(self._table(answer, t) for t in s.tables), summary=summary)

    def _body(self, request: CertificateRequest) -> dict:
        ours = {"id_number": request.id_number, "name": request.name, "type": request.type_code,
                "period_months": request.period_months, "purpose": request.purpose}
        return {theirs: ours[key] for key, theirs in self.settings.request_fields.items() if ours[key] is not None}

    def _table(self, answer: Any, mapping) -> Table:
        rows = dig(answer, mapping.rows_path)
        if not isinstance(rows, list):
            raise ProviderUnavailable(f"{self.settings.name}: {mapping.rows_path} is not a list")
        return Table(mapping.title, tuple(c.label for c in mapping.columns),
                     tuple(tuple(_text(dig(row, c.key)) for c in mapping.columns) for row in rows[:500]))

    def _headers(self) -> dict:
        headers = {"Accept": "application/json"}
        token = os.environ.get(self.settings.token_env, "") if self.settings.token_env else ""
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def _post(self, body: dict) -> Any:
        s, failure = self.settings, "no attempt"
        for attempt in range(s.retries + 1):
            if attempt:
                self._sleep(s.backoff_seconds * 2 ** (attempt - 1))
            try:
                response = self._session.post(s.url, json=body, headers=self._headers(),
                                              timeout=s.timeout_seconds, verify=s.verify_tls)
            except _TRANSIENT as exc:
                failure = type(exc).__name__
                log.warning("provider %s: %s (attempt %d/%d)", s.name, failure, attempt + 1, s.retries + 1)
                continue
            except requests.RequestException as exc:
                raise ProviderUnavailable(f"{s.name}: {type(exc).__name__}") from exc
            if response.status_code >= 500:
                failure = f"HTTP {response.status_code}"
                log.warning("provider %s: %s (attempt %d/%d)", s.name, failure, attempt + 1, s.retries + 1)
                continue
            return self._json(response)
        raise ProviderUnavailable(f"{s.name}: {failure} after {s.retries + 1} attempts")

    def _json(self, response: requests.Response) -> Any:
        if response.status_code >= 400:
            log.warning("provider %s refused the request: HTTP %d", self.settings.name, response.status_code)
            raise ProviderUnavailable(f"{self.settings.name}: HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise ProviderUnavailable(f"{self.settings.name}: not JSON") from exc
