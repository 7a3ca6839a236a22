"""The sample provider: answers the five common types from the bundled TEST data set.

Its documents are marked ``sample`` (printed with a "测试样例" watermark). The
sums it prints are plausible, not official: contribution shares are the usual
personal rates (养老 8%, 医疗 2%, 失业 0.5%), income tax uses the monthly table of
the 2019 reform on income above 5000 yuan, housing fund deposits are base × rate
for the unit and the person each, without interest or withdrawals.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable

from hall_server.certificates.providers import (CertificateData, CertificateRequest, ProviderRefusal,
                                                ProviderUnavailable, Table, months_back, period_text, yuan)
from hall_server.certificates.sample_data import BUNDLED

SOURCE_NOTE = "本证明由项目自带的测试样例数据生成，不具有任何证明效力。"
# 个人所得税 monthly brackets (upper bound of monthly taxable income in cents, rate %, quick deduction in cents).
TAX_BRACKETS = ((300000, 3, 0), (1200000, 10, 21000), (2500000, 20, 141000), (3500000, 25, 266000),
                (5500000, 30, 441000), (8000000, 35, 716000), (None, 45, 1516000))


def _no_record(what_zh: str, what_en: str) -> ProviderRefusal:
    return ProviderRefusal("no_record", f"未查询到您的{what_zh}记录，无法出具证明，请到窗口咨询",
                           f"no {what_en} record was found; please ask at a window")


class SampleProvider:
    """Reads ``dataset`` (read-only) for each request; safe to share between threads."""

    def __init__(self, dataset: str | Path = ""):
        self.path = Path(dataset) if dataset else BUNDLED
        self._answers: dict[str, Callable] = {
            "social_insurance": self._social_insurance, "medical_insurance": self._medical,
            "income_tax": self._income_tax, "housing_fund": self._housing_fund, "real_estate": self._real_estate}

    def fetch(self, request: CertificateRequest) -> CertificateData:
        answer = self._answers.get(request.type_code)
        if answer is None:
            raise ProviderRefusal("unsupported", "样例数据不支持该证明类型", "the sample data set has no such certificate type")
        try:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise ProviderUnavailable(type(exc).__name__) from exc
        try:
            conn.row_factory = sqlite3.Row
            if conn.execute("SELECT 1 FROM persons WHERE id_number = ?", (request.id_number,)).fetchone() is None:
                raise _no_record("参保、纳税或登记", "matching")
            return answer(conn, request)
        except sqlite3.Error as exc:
            raise ProviderUnavailable(type(exc).__name__) from exc
        finally:
            conn.close()

    # --- 社保 -------------------------------------------------------------------------
    def _social_insurance(self, conn, request: CertificateRequest) -> CertificateData:
        spans = _employments(conn, request.id_number)
        if not spans:
            raise _no_record("社会保险参保", "social insurance")
        months = months_back(request.today, request.period_months or 12)
        rows = []
        for month in months:
            span = _span_at(spans, month)
            if span is not None:
                base = span["si_base_cents"]
                rows.append((month, span["employer"], yuan(base), yuan(base * 8 // 100), yuan(base * 2 // 100),
                             yuan(base * 5 // 1000), "已缴"))
        last, now = months_back(request.today, 1)[0], _this_month(request.today)
        total = sum(_months_between(s["start_month"], min(s["end_month"] or now, now)) for s in spans)
        current = _span_at(spans, last)
        status = "正常参保" if current else "暂停缴费"
        fields = (("参保状态", status), ("参保险种", "企业职工基本养老保险、失业保险、工伤保险"),
                  ("首次参保年月", _month_text(spans[0]["start_month"])), ("累计缴费月数", f"{total} 个月"),
                  ("当前参保单位", current["employer"] if current else "无"),
                  ("查询期间缴费月数", f"{len(rows)} 个月"))
        table = Table("缴费明细（个人缴费部分，单位：元）", ("年月", "参保单位", "缴费基数", "养老保险", "医疗保险", "失业保险", "状态"),
                      tuple(rows))
        return CertificateData(fields, (table,), summary=(fields[0], fields[3], fields[5]),
                               period=period_text(months), notes=(SOURCE_NOTE,), sample=True)

    # --- 医保 -------------------------------------------------------------------------
    def _medical(self, conn, request: CertificateRequest) -> CertificateData:
        row = conn.execute("SELECT * FROM medical WHERE id_number = ?", (request.id_number,)).fetchone()
        if row is None:
            raise _no_record("医疗保险参保", "medical insurance")
        fields = (("参保险种", row["scheme"]), ("参保状态", row["status"]),
                  ("参保日期", _date_text(row["since"])), ("参保地", row["place"]))
        return CertificateData(fields, (), summary=fields[:2], notes=(SOURCE_NOTE,), sample=True)

    # --- 个税 -------------------------------------------------------------------------
    def _income_tax(self, conn, request: CertificateRequest) -> CertificateData:
        spans = _employments(conn, request.id_number)
        months = months_back(request.today, request.period_months or 12)
        rows, income_total, tax_total = [], 0, 0
        for month in months:
            span = _span_at(spans, month)
            if span is not None:
                tax = monthly_tax(span["income_cents"])
                income_total, tax_total = income_total + span["income_cents"], tax_total + tax
                rows.append((month, span["employer"], "工资薪金所得", yuan(span["income_cents"]), yuan(tax)))
        if not rows:
            raise _no_record("查询期间内的纳税", "income tax")
        fields = (("收入合计（元）", yuan(income_total)), ("已申报税额合计（元）", yuan(tax_total)),
                  ("记录条数", f"{len(rows)} 条"))
        table = Table("纳税明细（单位：元）", ("税款所属期", "扣缴义务人", "所得项目", "收入额", "已申报税额"), tuple(rows))
        return CertificateData(fields, (table,), summary=fields, period=period_text(months),
                               notes=(SOURCE_NOTE,), sample=True)

    # --- 公积金 -----------------------------------------------------------------------
    def _housing_fund(self, conn, request: CertificateRequest) -> CertificateData:
        spans = _employments(conn, request.id_number)
        account = conn.execute("SELECT account_no FROM hf_accounts WHERE id_number = ?", (request.id_number,)).fetchone()
        if not spans or account is None:
            raise _no_record("住房公积金缴存", "housing provident fund")
        months = months_back(request.today, request.period_months or 12)
        last, now = months_back(request.today, 1)[0], _this_month(request.today)
        rows = [(m, s["employer"], yuan(s["hf_base_cents"]), f"{s['hf_rate_percent']}%",
                 yuan(2 * _deposit(s)), "已缴存") for m in months if (s := _span_at(spans, m)) is not None]
        balance = sum(2 * _deposit(s) * _months_between(s["start_month"], min(s["end_month"] or now, now))
                      for s in spans)
        current = _span_at(spans, last)
        fields = (("单位名称", (current or spans[-1])["employer"]), ("个人账号", "*" * 8 + account["account_no"][-4:]),
                  ("账户状态", "正常缴存" if current else "封存"), ("开户年月", _month_text(spans[0]["start_month"])),
                  ("月缴存额（元）", yuan(2 * _deposit(current)) if current else "0.00"),
                  ("账户余额（元）", yuan(balance)))
        table = Table("缴存明细（单位和个人合计，单位：元）", ("年月", "单位名称", "缴存基数", "缴存比例", "月缴存额", "状态"),
                      tuple(rows))
        return CertificateData(fields, (table,), summary=(fields[2], fields[3]), period=period_text(months),
                               notes=(SOURCE_NOTE,), sample=True)

    # --- 不动产 -----------------------------------------------------------------------
    def _real_estate(self, conn, request: CertificateRequest) -> CertificateData:
        today = request.today.isoformat()
        rows = conn.execute("SELECT * FROM properties WHERE id_number = ? AND registered_on <= ? ORDER BY registered_on",
                            (request.id_number, today)).fetchall()
        result = (f"经查询，该权利人在本市不动产登记簿中有 {len(rows)} 条房屋登记记录" if rows
                  else "经查询，未发现该权利人在本市有房屋不动产登记记录")
        fields = (("查询结果", result), ("查询范围", "示例市行政区域内已登记的房屋"),
                  ("房屋套数", f"{len(rows)} 套"))
        tables = (Table("房屋登记信息", ("不动产权证号", "坐落", "建筑面积（㎡）", "用途", "登记日期"),
                        tuple((r["cert_no"], r["location"], r["area"], r["usage"], r["registered_on"]) for r in rows)),) \
            if rows else ()
        return CertificateData(fields, tables, summary=(fields[2],), notes=(SOURCE_NOTE,), sample=True)


def monthly_tax(income_cents: int, threshold_cents: int = 500000) -> int:
    """Withholding on one month's wage with the 2019 monthly table (no special deductions)."""
    taxable = income_cents - threshold_cents
    if taxable <= 0:
        return 0
    for upper, rate, quick in TAX_BRACKETS:
        if upper is None or taxable <= upper:
            return taxable * rate // 100 - quick
    raise AssertionError("unreachable: the last bracket is open")


def _employments(conn, id_number: str) -> list:
    return conn.execute("SELECT * FROM employments WHERE id_number = ? ORDER BY start_month",
                        (id_number,)).fetchall()


def _span_at(spans, month: str):
    return next((s for s in spans if s["start_month"] <= month and (s["end_month"] is None or month < s["end_month"])
                 ), None)


def _months_between(start: str, end: str) -> int:
    (y1, m1), (y2, m2) = (map(int, start.split("-")), map(int, end.split("-")))
    return max(0, (y2 - y1) * 12 + (m2 - m1))


def _this_month(today) -> str:
    """The month in progress: spans end before it (an end month is exclusive)."""
    return f"{today.year:04d}-{today.month:02d}"


def _deposit(span) -> int:
    return span["hf_base_cents"] * span["hf_rate_percent"] // 100


def _month_text(month: str) -> str:
    year, number = month.split("-")
    return f"{year}年{int(number)}月"


def _date_text(day: str) -> str:
    year, month, date = day.split("-")
    return f"{year}年{int(month)}月{int(date)}日"
