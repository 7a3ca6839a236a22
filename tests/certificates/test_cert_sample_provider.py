"""The sample TEST data set (deterministic, shipped in sync) and the sample provider."""
from datetime import date

import pytest

from hall_server.certificates.providers import CertificateRequest, ProviderRefusal, ProviderUnavailable
from hall_server.certificates.sample import SampleProvider
from hall_server.certificates.sample_data import BUNDLED, generate_rows, read_rows, write_dataset
from hall_server.domain.persons import validate_id_number

TODAY = date(2026, 11, 23)


def ask(type_code, person, period=12, purpose="购房", provider=None):
    return (provider or SampleProvider()).fetch(CertificateRequest(type_code, person[0], person[1], TODAY, period, purpose))


def test_generation_is_deterministic_and_the_shipped_file_matches_it(tmp_path):
    assert generate_rows() == generate_rows()
    assert generate_rows(seed=1) != generate_rows()
    fresh = read_rows(write_dataset(tmp_path / "sample.sqlite3"))
    assert fresh == read_rows(BUNDLED), "assets/certificates/sample-persons.sqlite3 is stale: regenerate it"


def test_every_test_person_has_a_valid_synthetic_number(persons):
    assert len(persons) == 24
    numbers = [p[0] for p in persons]
    assert len(set(numbers)) == 24 and all(validate_id_number(n, TODAY) for n in numbers)
    assert any(n.endswith("X") for n in numbers)                     # the X check character is covered
    assert all(int(n[16]) % 2 == (1 if p[2] == "男" else 0) for n, p in zip(numbers, persons))


def test_social_insurance_lists_the_period_and_the_personal_shares(persons):
    data = ask("social_insurance", persons[0], period=12)
    table = data.tables[0]
    assert [row[0] for row in table.rows] == [f"2025-{m}" for m in ("11", "12")] + [f"2026-{m:02d}" for m in range(1, 11)]
    base, pension, medical, unemployment = (float(v) for v in table.rows[0][2:6])
    assert (pension, medical, unemployment) == (round(base * 0.08, 2), round(base * 0.02, 2), round(base * 0.005, 2))
    assert dict(data.fields)["参保状态"] == "正常参保" and data.period == "2025年11月 至 2026年10月"
    assert data.sample and ("参保状态", "正常参保") in data.summary


def test_a_person_who_left_work_shows_suspended_contributions(persons):
    data = ask("social_insurance", persons[3], period=24)
    assert dict(data.fields)["参保状态"] == "暂停缴费"
    assert len(data.tables[0].rows) < 24


def test_income_tax_totals_add_up(persons):
    data = ask("income_tax", persons[0], period=6)
    rows = data.tables[0].rows
    assert len(rows) == 6
    assert dict(data.fields)["收入合计（元）"] == f"{sum(float(r[3]) for r in rows):.2f}"
    assert dict(data.fields)["已申报税额合计（元）"] == f"{sum(float(r[4]) for r in rows):.2f}"


def test_housing_fund_masks_the_account_number(persons):
    data = ask("housing_fund", persons[0])
    account = dict(data.fields)["个人账号"]
    assert account.startswith("********") and len(account) == 12


def test_real_estate_says_how_many_homes_or_none(persons):
    with_home, without = ask("real_estate", persons[0], None), ask("real_estate", persons[1], None)
    assert dict(with_home.fields)["房屋套数"] == "1 套" and len(with_home.tables[0].rows) == 1
    assert "未发现" in dict(without.fields)["查询结果"] and without.tables == ()
    two = ask("real_estate", persons[2], None)
    assert dict(two.fields)["房屋套数"] == "2 套"


@pytest.mark.parametrize("type_code", ["social_insurance", "income_tax", "housing_fund"])
def test_a_person_without_records_gets_a_typed_refusal(persons, type_code):
    with pytest.raises(ProviderRefusal) as caught:
        ask(type_code, persons[5])
    err = caught.value
    assert (err.code, err.reason, err.status) == ("certificate_refused", "no_record", 409)
    assert err.message.startswith("未查询到") and err.message_en and persons[5][0] not in err.message


def test_the_same_person_still_has_resident_medical_insurance(persons):
    data = ask("medical_insurance", persons[5], None)
    assert dict(data.fields)["参保险种"] == "城乡居民基本医疗保险"


def test_an_unknown_person_and_an_unknown_type_are_refused():
    with pytest.raises(ProviderRefusal) as caught:
        ask("social_insurance", ("11010519491231002X", "某某"))
    assert caught.value.reason == "no_record"
    with pytest.raises(ProviderRefusal) as caught:
        ask("marriage_record", ("11010519491231002X", "某某"))
    assert caught.value.reason == "unsupported"


def test_a_missing_or_broken_data_set_is_unavailable_not_a_crash(tmp_path, persons):
    with pytest.raises(ProviderUnavailable):
        ask("social_insurance", persons[0], provider=SampleProvider(tmp_path / "missing.sqlite3"))
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ProviderUnavailable) as caught:
        ask("social_insurance", persons[0], provider=SampleProvider(broken))
    assert caught.value.status == 424 and caught.value.code == "provider_unavailable"
