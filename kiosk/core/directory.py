"""The hall's catalogue as the kiosk shows it: categories, services, guides, search.

Built from ``GET /api/v1/hall`` (API.md). Residents search a service by its Chinese
name, by pinyin initials (``sbk`` finds 社保卡) or by code; the services used most on
this kiosk come first. Initials are built with pypinyin once, per character, with
every reading of a polyphonic character (行 → h or x), so either reading matches.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Iterable, Mapping

REAL_NAME_RULES = ("required", "optional", "none")

# Guide keys of the server's catalogue (hall_server/config/catalogue.py ``Guide``)
# → section titles; unknown keys are shown under their own name.
_GUIDE_TITLES = {
    "department": ("实施主体", "Department"),
    "conditions": ("受理条件", "Conditions"),
    "materials": ("申请材料", "Materials"),
    "process": ("办理流程", "Steps"),
    "time_limit": ("承诺时限", "Time limit"),
    "legal_time_limit": ("法定时限", "Legal time limit"),
    "fees": ("收费标准", "Fees"),
    "basis": ("设定依据", "Legal basis"),
    "windows": ("办理窗口", "Windows"),
    "hours": ("办理时间", "Hours"),
    "phone": ("咨询电话", "Enquiries"),
    "notes": ("温馨提示", "Notes"),
}
_GUIDE_URL_KEYS = ("online_url", "url")     # the guide's own page: a QR code, not a section


@dataclass(frozen=True)
class GuideSection:
    title_zh: str
    title_en: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Category:
    code: str
    prefix: str
    name: str
    real_name: str = "optional"      # one of REAL_NAME_RULES; services without a rule inherit it


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    category: str
    real_name: str = "optional"      # one of REAL_NAME_RULES
    guide: tuple[GuideSection, ...] = ()
    guide_url: str = ""              # the guide's page online (码上办), if the catalogue has one

    @property
    def materials(self) -> tuple[str, ...]:
        """The material checklist lines (empty when the guide lists none)."""
        return next((s.lines for s in self.guide if s.title_zh == "申请材料"), ())


@dataclass(frozen=True)
class UsageCounter:
    """How often each service was chosen on this kiosk (codes only, no personal data)."""

    counts: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def bump(self, code: str) -> "UsageCounter":
        counts = dict(self.counts)
        counts[code] = counts.get(code, 0) + 1
        return UsageCounter(MappingProxyType(counts))

    def __getitem__(self, code: str) -> int:
        return self.counts.get(code, 0)


class HallDirectory:
    """Categories and services of one hall, with search. Immutable once built."""

    def __init__(self, name: str, categories: Iterable[Category], services: Iterable[Service]):
        self.name = name
        self.categories = tuple(categories)
        self.services = tuple(services)
        self._category = {c.code: c for c in self.categories}
        self._service = {s.code: s for s in self.services}
        self._order = {s.code: i for i, s in enumerate(self.services)}
        self._initials_by_code: dict[str, tuple[frozenset[str], ...]] | None = None

    @property
    def _initials(self) -> dict[str, tuple[frozenset[str], ...]]:
        # Built on first search, not at start: pypinyin takes about a second to load, and
        # the kiosk's home screen should not wait for it (bench/bench_kiosk.py start-up).
        if self._initials_by_code is None:
            self._initials_by_code = {s.code: _initials(s.name) for s in self.services}
        return self._initials_by_code

    @classmethod
    def from_hall(cls, hall: Mapping, default_name: str = "") -> "HallDirectory":
        """Build from the ``GET /api/v1/hall`` body; unknown fields are ignored."""
        categories = [_category(c) for c in hall.get("categories") or () if c.get("code")]
        by_code = {c.code: c for c in categories}
        services = [_service(s, by_code) for s in hall.get("services") or () if s.get("code")]
        name = hall.get("name") or (hall.get("hall") or {}).get("name") or default_name
        return cls(str(name), categories, services)

    def category(self, code: str) -> Category | None:
        return self._category.get(code)

    def service(self, code: str) -> Service | None:
        return self._service.get(code)

    def category_by_prefix(self, prefix: str) -> Category | None:
        return next((c for c in self.categories if c.prefix == prefix), None)

    def services_in(self, category: str, usage: UsageCounter = UsageCounter()) -> tuple[Service, ...]:
        """A category's services, most used first, then catalogue order."""
        found = [s for s in self.services if s.category == category]
        return tuple(sorted(found, key=lambda s: (-usage[s.code], self._order[s.code])))

    def search(self, query: str, usage: UsageCounter = UsageCounter(),
               category: str | None = None) -> tuple[Service, ...]:
        """Services matching a name fragment, pinyin initials or code.

        Ranks: the name or its initials start with the query; they contain it; the
        initials hold its letters in order from the first character (abbreviations
        like ``sbk`` for 社会保障卡); the code starts with it. Within a rank the
        most used come first.
        """
        query = "".join(query.split())
        if not query:
            return self.services_in(category, usage) if category else self.services
        ranked = []
        for service in self.services:
            if category and service.category != category:
                continue
            rank = self._match(service, query)
            if rank is not None:
                ranked.append((rank, -usage[service.code], self._order[service.code], service))
        return tuple(entry[-1] for entry in sorted(ranked, key=lambda e: e[:3]))

    def _match(self, service: Service, query: str) -> int | None:
        name_pos = service.name.find(query)
        if name_pos >= 0:
            return 0 if name_pos == 0 else 1
        if query.isascii() and query.isalnum():
            initials, letters = self._initials[service.code], query.lower()
            pos = _initials_position(initials, letters)
            if pos is not None:
                return 0 if pos == 0 else 1
            if len(letters) >= 2 and _initials_in_order(initials, letters):
                return 2               # abbreviations: "sbk" for 社(会)保(障)卡
            if service.code.lower().startswith(letters):
                return 3
        return None


def _category(raw: Mapping) -> Category:
    rule = raw.get("real_name")
    if rule not in REAL_NAME_RULES:
        rule = "required" if raw.get("requires_real_name") else "optional"
    return Category(str(raw["code"]), str(raw.get("prefix") or raw["code"]), str(raw.get("name") or raw["code"]),
                    rule)


def _service(raw: Mapping, categories: Mapping[str, Category]) -> Service:
    category = str(raw.get("category") or "")
    rule = raw.get("real_name")
    if rule not in REAL_NAME_RULES:      # unset: as the category (hall_server/config/hall.py)
        known = categories.get(category)
        rule = known.real_name if known else "optional"
    guide = raw.get("guide")
    url = next((str(guide[k]) for k in _GUIDE_URL_KEYS if isinstance(guide, Mapping) and guide.get(k)), "")
    return Service(str(raw["code"]), str(raw.get("name") or raw["code"]), category, rule,
                   guide_sections(guide), url)


def guide_sections(guide: object) -> tuple[GuideSection, ...]:
    """Turn a service's ``guide`` (mapping, list or text) into titled sections of lines."""
    if not guide:
        return ()
    if isinstance(guide, str):
        return (GuideSection("办事指南", "Guide", tuple(_lines(guide))),)
    if not isinstance(guide, Mapping):
        return (GuideSection("办事指南", "Guide", tuple(_lines(guide))),)
    sections = []
    for key, value in guide.items():
        if key in _GUIDE_URL_KEYS:
            continue
        title_zh, title_en = _GUIDE_TITLES.get(str(key), (str(key), str(key)))
        lines = tuple(_lines(value))
        if lines:
            sections.append(GuideSection(title_zh, title_en, lines))
    return tuple(sections)


def _lines(value: object) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    if isinstance(value, Mapping):
        return [_material(value)]
    if isinstance(value, (list, tuple)):
        return [line for item in value for line in _lines(item)]
    return [str(value)]


def _material(item: Mapping) -> str:
    """One checklist line: ``社会保险登记表（原件 1 份；加盖单位公章）``."""
    name = str(item.get("name") or item.get("title") or "")
    form, copies, note = str(item.get("form") or ""), item.get("copies"), str(item.get("note") or "")
    how = ""
    if form and isinstance(copies, int) and not isinstance(copies, bool):
        how = f"{form} {copies} 份" if copies > 0 else f"{form}，现场出示"
    elif form:
        how = form
    details = "；".join(part for part in (how, note) if part)
    return f"{name}（{details}）" if name and details else name or details


def _initials(name: str) -> tuple[frozenset[str], ...]:
    """Per searchable character, the set of letters it may start with."""
    from pypinyin import Style, lazy_pinyin, pinyin

    phrase = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    out = []
    for index, char in enumerate(name):
        if "\u3400" <= char <= "\u9fff":
            readings = {r[:1].lower() for r in pinyin(char, style=Style.FIRST_LETTER, heteronym=True)[0] if r}
            if index < len(phrase) and phrase[index]:
                readings.add(phrase[index][:1].lower())
            out.append(frozenset(readings))
        elif char.isascii() and char.isalnum():
            out.append(frozenset({char.lower()}))
    return tuple(out)


def _initials_in_order(initials: tuple[frozenset[str], ...], query: str) -> bool:
    """Every query letter matches a later character, starting at the first character."""
    if not initials or query[0] not in initials[0]:
        return False
    chars = iter(initials[1:])
    return all(any(letter in char for char in chars) for letter in query[1:])


def _initials_position(initials: tuple[frozenset[str], ...], query: str) -> int | None:
    for start in range(len(initials) - len(query) + 1):
        if all(query[i] in initials[start + i] for i in range(len(query))):
            return start
    return None
