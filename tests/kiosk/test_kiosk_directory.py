"""The hall catalogue: parsing /hall, real-name rules, guides, search by name and pinyin."""
from kiosk.core.directory import HallDirectory, UsageCounter, guide_sections
from kiosk.core.rehearsal import SAMPLE_HALL

HALL = HallDirectory.from_hall(SAMPLE_HALL)


def codes(services):
    return [s.code for s in services]


def test_categories_services_and_real_name_rules():
    assert HALL.name == "示范区政务服务中心" and [c.code for c in HALL.categories] == ["A", "B", "C"]
    assert HALL.category_by_prefix("B").name == "不动产登记"
    rules = {s.code: s.real_name for s in HALL.services}
    assert rules == {"SB001": "optional", "SB002": "required", "YB001": "none",
                     "BDC01": "required", "YH001": "none"}   # BDC01 inherits its category's rule


def test_guides_become_titled_sections():
    sb = HALL.service("SB001")
    assert [s.title_zh for s in sb.guide] == ["受理条件", "申请材料", "承诺时限"]
    assert sb.materials == ("居民身份证（原件，现场出示）", "近期免冠照片（原件 1 份；白底）")
    assert sb.guide_url == "https://zwfw.hall.example/guide/SB001"
    assert all(s.title_zh != "online_url" for s in sb.guide)
    assert HALL.service("YB001").guide[0].lines == ("携带身份证到A区窗口办理",)
    assert guide_sections({"custom": ["x", None, ""], "fees": 0}) [0].title_zh == "custom"
    assert guide_sections(None) == () and guide_sections(["a", "b"])[0].lines == ("a", "b")


def test_search_by_chinese_fragment_initials_abbreviation_and_code():
    assert codes(HALL.search("保险")) == ["SB002"]
    assert codes(HALL.search("shbzk")) == ["SB001"]          # full initials
    assert codes(HALL.search("sbk")) == ["SB001"]            # abbreviation 社保卡
    assert codes(HALL.search("bdc01")) == ["BDC01"]          # by code
    assert codes(HALL.search("没有这个")) == []


def test_polyphonic_characters_match_every_reading():
    assert codes(HALL.search("yh")) == ["YH001"]     # 银行 yin hang
    assert codes(HALL.search("yx"))[0] == "YH001"    # 行 also reads xing; the abbreviation
    assert codes(HALL.search("yx"))[1:] == ["SB002"]  # match 养(老保险关)系 ranks lower


def test_prefix_matches_first_and_usage_orders_within_a_rank():
    hall = HallDirectory.from_hall({"categories": [{"code": "A"}], "services": [
        {"code": "1", "name": "社保查询", "category": "A"},
        {"code": "2", "name": "社保转移", "category": "A"},
        {"code": "3", "name": "补办社保", "category": "A"}]})
    assert codes(hall.search("社保")) == ["1", "2", "3"]
    usage = UsageCounter().bump("2").bump("3").bump("3")
    assert codes(hall.search("社保", usage)) == ["2", "1", "3"]      # "3" matches inside: a lower rank
    assert codes(hall.services_in("A", usage)) == ["3", "2", "1"]
    assert codes(hall.search("  ", usage, "A")) == ["3", "2", "1"]


def test_missing_fields_are_tolerated():
    hall = HallDirectory.from_hall({"services": [{"code": "X"}, {"name": "no code"}]}, default_name="大厅")
    assert hall.name == "大厅" and codes(hall.services) == ["X"] and hall.service("X").name == "X"


def test_category_rules_from_either_field_and_services_inherit_none_too():
    hall = HallDirectory.from_hall({"categories": [{"code": "A", "real_name": "none"},
                                                   {"code": "B", "requires_real_name": True}],
                                    "services": [{"code": "1", "category": "A", "real_name": None},
                                                 {"code": "2", "category": "B"},
                                                 {"code": "3", "category": "A", "real_name": "required"}]})
    assert [s.real_name for s in hall.services] == ["none", "required", "required"]


def test_material_lines_follow_the_catalogue_fields():
    [section] = guide_sections({"materials": [
        {"name": "社会保险登记表", "copies": 1, "form": "原件", "note": "加盖单位公章"},
        {"name": "职工名册", "copies": 2, "form": "复印件"},
        {"name": "委托书", "form": "原件及复印件"},
        {"name": "", "note": "其他"}]})
    assert section.lines == ("社会保险登记表（原件 1 份；加盖单位公章）", "职工名册（复印件 2 份）",
                             "委托书（原件及复印件）", "其他")
