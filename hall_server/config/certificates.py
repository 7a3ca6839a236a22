"""``[certificates]``: self-printed certificates (证明自助打印, domain.md §6).

Which certificate types the hall's kiosks offer, which provider answers each
(the bundled sample data set or a department's HTTP interface), how documents are
signed and verified, and the per-person limits. Every key has a default: a hall
without the section offers the five common types from the sample data set, whose
documents carry a "测试样例" watermark and must never be used in production.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from hall_server.config.sections import ConfigModel, unique_texts
from hall_server.config.values import Code, PathText, RequiredText, invalid

PERIOD_CHOICES = "查询期间可选的月数，如 [6, 12, 24]；为空表示不需要选择期间 / months the resident may choose; empty = no period"


class CertificateType(ConfigModel):
    """``[[certificates.types]]``: one kind of certificate and who provides it."""

    code: Code = Field("", description="证明类型编码（必填，唯一），如 \"social_insurance\" / type code (required, unique)")
    name: RequiredText = Field("", description="证明名称，打印为标题，如“个人社保参保缴费证明” / title printed on the document (required)")
    name_en: str = Field("", description="英文名称，用于界面英文提示 / English name for the kiosk's English texts")
    department: RequiredText = Field("", description="出具单位，印在证明上并刻在电子印章上 / issuing department, printed and drawn in the seal (required)")
    provider: Code = Field("sample", description="提供数据的接口名称，见 [[certificates.providers]] / provider name from [[certificates.providers]]")
    doc_prefix: str = Field("ZM", pattern=r"^[A-Z]{1,4}$", description="证明编号前缀，1–4 个大写字母 / document number prefix, 1-4 uppercase letters")
    daily_limit: int | None = Field(None, ge=1, le=99, description="同一人每天最多打印份数；不写表示不限 / documents per person per day; absent = unlimited")
    periods: list[int] = Field(default_factory=list, description=PERIOD_CHOICES)
    purposes: list[str] = Field(default_factory=list, description="可选用途，如“购房”“入学”；为空表示不需要选择 / purposes offered; empty = none asked")
    notes: list[str] = Field(default_factory=list, description="印在证明末尾的说明 / notes printed at the end of the document")
    enabled: bool = Field(True, description="是否在自助终端提供 / offered on the kiosks")

    @field_validator("periods")
    @classmethod
    def _months(cls, periods: list[int]) -> list[int]:
        for months in periods:
            if not 1 <= months <= 120:
                raise invalid(f"期间应为 1 至 120 个月，实际为 {months}", f"a period is 1 to 120 months, got {months}")
        if len(set(periods)) != len(periods):
            raise invalid("期间选项重复", "a period appears twice")
        return periods

    @field_validator("purposes", "notes")
    @classmethod
    def _distinct(cls, values: list[str]) -> list[str]:
        return unique_texts(values)


class FieldMapping(ConfigModel):
    """One label on the document and where its value is in the department's answer."""

    label: RequiredText = Field("", description="证明上的项目名称 / label printed on the document")
    path: RequiredText = Field("", description="应答 JSON 中的位置，用点分隔，如 \"data.cbzt\" / dotted path in the JSON answer")
    summary: bool = Field(False, description="是否在核验页显示 / also shown on the public verify page")


class ColumnMapping(ConfigModel):
    label: RequiredText = Field("", description="列名 / column heading")
    key: RequiredText = Field("", description="每行对象中的键 / key in each row object")


class TableMapping(ConfigModel):
    """A table on the document built from a list in the department's answer."""

    title: RequiredText = Field("", description="表格标题 / table title")
    rows_path: RequiredText = Field("", description="行列表在应答 JSON 中的位置 / dotted path of the row list")
    columns: list[ColumnMapping] = Field(default_factory=list, description="列 / columns")


class SampleProvider(ConfigModel):
    """The bundled data set of synthetic TEST persons (assets/certificates/)."""

    name: Code = Field("", description="接口名称（必填，唯一） / provider name (required, unique)")
    kind: Literal["sample"] = Field("sample", description="sample：项目自带的测试样例数据 / the bundled sample data")
    dataset: str = Field("", description="样例 SQLite 文件；为空用项目自带的 / sample SQLite file; empty = the bundled one")


class HttpProvider(ConfigModel):
    """A department's HTTP interface (JSON over POST), with timeouts and retries."""

    name: Code = Field("", description="接口名称（必填，唯一） / provider name (required, unique)")
    kind: Literal["http"] = Field("http", description="http：部门的 HTTP 接口 / a department's HTTP interface")
    url: RequiredText = Field("", pattern=r"^https?://", description="接口地址 / interface URL (http or https)")
    timeout_seconds: float = Field(5.0, gt=0, le=60, description="每次请求等待应答的秒数 / seconds to wait for each answer")
    retries: int = Field(2, ge=0, le=5, description="连接失败、超时或 5xx 时重试次数 / further attempts after a connection error, timeout or 5xx")
    backoff_seconds: float = Field(0.5, ge=0, le=10, description="首次重试前等待秒数，之后加倍 / delay before the first retry, doubled after")
    token_env: str = Field("", description="存放访问令牌的环境变量名，令牌作为 Bearer 发送；为空不发送 / environment variable holding a bearer token; empty = none")
    verify_tls: bool = Field(True, description="校验 HTTPS 证书 / verify the HTTPS certificate")
    request_fields: dict[str, str] = Field(default_factory=lambda: {"id_number": "id_number", "name": "name", "type": "type", "period_months": "period_months", "purpose": "purpose"},
                                           description="请求字段名映射：本系统字段 → 部门字段 / request keys: ours → the department's")
    ok_path: str = Field("code", description="表示成功与否的字段位置 / dotted path of the status field")
    ok_value: str = Field("0", description="成功时该字段的值 / the status value that means success")
    message_path: str = Field("message", description="拒绝原因的字段位置 / dotted path of the refusal text")
    fields: list[FieldMapping] = Field(default_factory=list, description="证明上的项目 / labelled values on the document")
    tables: list[TableMapping] = Field(default_factory=list, description="证明上的表格 / tables on the document")

    @field_validator("request_fields")
    @classmethod
    def _known_keys(cls, mapping: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(mapping) - {"id_number", "name", "type", "period_months", "purpose"})
        if unknown:
            raise invalid(f"未知的请求字段：{', '.join(unknown)}", f"unknown request keys: {', '.join(unknown)}")
        if "id_number" not in mapping:
            raise invalid("必须映射 id_number", "id_number must be mapped")
        return mapping


Provider = Annotated[SampleProvider | HttpProvider, Field(discriminator="kind")]

DEFAULT_TYPES = [
    CertificateType(code="social_insurance", name="个人社保参保缴费证明", name_en="Social insurance contribution record",
                    department="示例市社会保险事业管理中心", doc_prefix="SB", daily_limit=3, periods=[6, 12, 24, 36],
                    purposes=["购房", "入学", "落户", "贷款", "其他"]),
    CertificateType(code="medical_insurance", name="医保参保证明", name_en="Medical insurance certificate",
                    department="示例市医疗保障局", doc_prefix="YB", daily_limit=3, purposes=["就医结算", "入学", "其他"]),
    CertificateType(code="income_tax", name="个人所得税纳税记录", name_en="Individual income tax record",
                    department="国家税务总局示例市税务局", doc_prefix="GS", daily_limit=3, periods=[6, 12, 24],
                    purposes=["购房", "落户", "贷款", "其他"]),
    CertificateType(code="housing_fund", name="住房公积金缴存证明", name_en="Housing provident fund certificate",
                    department="示例市住房公积金管理中心", doc_prefix="GJ", daily_limit=3, periods=[6, 12, 24],
                    purposes=["贷款", "购房", "其他"]),
    CertificateType(code="real_estate", name="不动产登记信息查询结果", name_en="Real estate registration search result",
                    department="示例市不动产登记中心", doc_prefix="BDC", daily_limit=2,
                    purposes=["购房", "入学", "公积金贷款", "其他"]),
]


class CertificateSettings(ConfigModel):
    """``[certificates]``: types, providers, signing, reprints and limits."""

    enabled: bool = Field(True, description="是否提供证明自助打印 / offer certificate self-printing")
    types: list[CertificateType] = Field(default_factory=lambda: list(DEFAULT_TYPES), description="证明类型 / certificate types")
    providers: list[Provider] = Field(default_factory=lambda: [SampleProvider(name="sample")], description="数据接口 / providers")
    signing_key_file: PathText = Field("certificate-signing.key", description="Ed25519 签名私钥文件，相对数据目录；首次使用时生成（权限 0600） / Ed25519 private key, relative to the data dir; created on first use with mode 0600")
    verify_base_url: str = Field("", pattern=r"^(https?://.+)?$", description="二维码中核验页的地址前缀，如 \"https://zwfw.example.gov.cn\"；为空用服务器自身地址 / base URL of the verify page in the QR code; empty = this server's address")
    verify_valid_days: int | None = Field(None, ge=1, le=3650, description="出具后多少天内可在核验页验证；不写表示不限 / days a document stays verifiable; absent = no limit")
    reprint_minutes: int = Field(10, ge=1, le=120, description="打印失败后在此分钟数内可免记录重打一次 / minutes after issue in which one reprint is allowed")
    reprint_limit: int = Field(1, ge=0, le=3, description="每份证明允许重打次数 / reprints allowed per document")
    holder_name_on_paper: Literal["masked", "full"] = Field("masked", description="证明上的姓名：masked 脱敏（张*），full 全名；证件号码始终脱敏 / name on paper; the ID number is always masked")
    trusted_readers: dict[str, list[str]] = Field(default_factory=dict, description="终端设备名 → 允许的读卡器安全模块号（SAM ID）；未列出的终端接受任何 SAM ID / kiosk device → allowed reader SAM IDs; kiosks not listed accept any")

    @field_validator("types")
    @classmethod
    def _unique_types(cls, types: list[CertificateType]) -> list[CertificateType]:
        unique_texts([t.code for t in types])
        return types

    @field_validator("providers")
    @classmethod
    def _unique_providers(cls, providers: list) -> list:
        unique_texts([p.name for p in providers])
        return providers

    @model_validator(mode="after")
    def _providers_exist(self) -> "CertificateSettings":
        names = {p.name for p in self.providers}
        for t in self.types:
            if t.provider not in names:
                raise invalid(f"证明类型 {t.code} 的接口 {t.provider} 未在 providers 中定义",
                              f"certificate type {t.code} names provider {t.provider}, which is not defined")
        return self

    def certificate_type(self, code: str) -> CertificateType | None:
        """The enabled type ``code``, or None."""
        return next((t for t in self.types if t.code == code and t.enabled), None)

    def provider(self, name: str):
        """The provider settings called ``name``, or None."""
        return next((p for p in self.providers if p.name == name), None)
