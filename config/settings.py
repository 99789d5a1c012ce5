"""The one settings object: YAML file + `CONTROLROOM_*` environment overrides, validated at start-up."""

from __future__ import annotations

import ipaddress
import zoneinfo
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from config.alerting import AlertSettings, DeliverySettings, MqttSettings
from config.cameras import CameraConfig
from config.footage import FootageSettings
from config.maintenance import MaintenanceSettings
from config.reports import ReportSettings
from core.schemas import StrictSchema

__all__ = [
    "DEFAULT_RULES_FILE",
    "MIN_SECRET_LENGTH",
    "PLACEHOLDER_SECRET",
    "AuthSettings",
    "CameraControlSettings",
    "ChainSettings",
    "DatabaseSettings",
    "DutyRulesSettings",
    "LimitsSettings",
    "LoggingSettings",
    "MetricsSettings",
    "Settings",
    "SiteSettings",
    "WorkerSettings",
    "secret_key_problem",
]

PLACEHOLDER_SECRET = "change-me"
MIN_SECRET_LENGTH = 32
GENERATE_SECRET_HINT = (
    'generate one with `python3 -c "import secrets; print(secrets.token_urlsafe(32))"` and set it as '
    "auth.secret_key in the config file or as CONTROLROOM_AUTH__SECRET_KEY"
)


def secret_key_problem(secret: str) -> str | None:
    """Why `secret` is not fit to run a site with (the placeholder, or too short), or None when it is."""
    if secret == PLACEHOLDER_SECRET:
        return f"auth.secret_key is the placeholder {PLACEHOLDER_SECRET!r}; {GENERATE_SECRET_HINT}"
    if len(secret) < MIN_SECRET_LENGTH:
        return (
            f"auth.secret_key is {len(secret)} characters; at least {MIN_SECRET_LENGTH} are needed; "
            f"{GENERATE_SECRET_HINT}"
        )
    return None


DEFAULT_RULES_FILE = Path(__file__).with_name("duty_rules.yaml")
ChangeRole = Literal["admin", "supervisor"]


class DutyRulesSettings(StrictSchema):
    """Where the rule file is and who may change the rules (the rules themselves: `shift_logs.rules.model`)."""

    file: Path | None = Field(default=None, description="Rule file; empty = the packaged default.")
    change_roles: list[ChangeRole] = Field(
        default_factory=lambda: list[ChangeRole](["admin"]), description="Roles that may change the rules."
    )


class DatabaseSettings(StrictSchema):
    """Where the data lives: SQLite (embedded default) or PostgreSQL."""

    url: SecretStr = Field(
        default=SecretStr(""),
        description="SQLAlchemy URL: sqlite:///path/file.db or postgresql+psycopg://user:password@host/db; "
        "empty means SQLite in data_dir. A secret (it may hold a password): masked in repr and logs.",
    )
    pool_size: int = Field(default=10, ge=1, le=200, description="Connections kept open (PostgreSQL).")
    connect_timeout_s: float = Field(default=5.0, gt=0, le=120, description="Give up connecting after this.")
    echo: bool = Field(default=False, description="Log every SQL statement (debugging only).")

    @field_validator("url")
    @classmethod
    def _known_backend(cls, value: SecretStr) -> SecretStr:
        url = value.get_secret_value()
        if url and not url.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:")):
            raise ValueError("must start with sqlite:, postgresql: or postgresql+psycopg:")
        return value


class AuthSettings(StrictSchema):
    """Logins, sessions, tokens and lockout."""

    secret_key: SecretStr = Field(
        default=SecretStr(PLACEHOLDER_SECRET),
        description="Server secret (camera-password encryption, signing). Must be set outside development.",
    )
    session_minutes: int = Field(
        default=13 * 60,
        ge=5,
        le=24 * 60,
        description="Console session lifetime: at least the longest shift (12 h) plus its handover.",
    )
    idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60, description="Sign out after this much inactivity."
    )
    watch_pages: list[str] = Field(
        default=["/wall", "/alerts"],
        max_length=20,
        description="Pages that stay signed in without input while open and visible to someone checked in.",
    )
    lockout_attempts: int = Field(
        default=5,
        ge=1,
        le=100,
        description="Failed sign-ins per name and address before the back-off starts.",
    )
    lockout_minutes: int = Field(
        default=15, ge=1, le=24 * 60, description="The longest back-off, and the window failures count in."
    )
    address_max_failures: int = Field(
        default=30, ge=1, le=100_000, description="Failed sign-ins per address within the window below."
    )
    address_window_minutes: int = Field(
        default=10, ge=1, le=24 * 60, description="Sliding window of the per-address throttle."
    )
    api_token_days: int = Field(default=90, ge=1, le=3650, description="Default lifetime of an API token.")
    api_token_max_days: int = Field(
        default=90, ge=1, le=3650, description="Longest lifetime a new API token may be given."
    )
    cookie_secure: bool = Field(default=False, description="Send the session cookie over HTTPS only.")
    min_password_length: int = Field(default=10, ge=8, le=256, description="Shortest accepted password.")

    @model_validator(mode="after")
    def _idle_within_session(self) -> Self:
        if self.idle_minutes > self.session_minutes:
            raise ValueError("idle_minutes must not exceed session_minutes")
        return self


class SiteSettings(StrictSchema):
    """The control room itself."""

    name: str = Field(
        default="Control room", min_length=1, max_length=100, description="Shown in the console."
    )
    timezone: str = Field(default="UTC", description="IANA time zone for display, e.g. Asia/Shanghai.")
    default_language: Literal["en", "zh"] = Field(default="en", description="Console language for new users.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class LoggingSettings(StrictSchema):
    """Structured JSON logs."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Lowest level logged."
    )
    json_format: bool = Field(default=True, alias="json", description="JSON lines (true) or plain text.")


class WorkerSettings(StrictSchema):
    """The capture worker: reads cameras, runs detection, raises alerts. Ownership is leased in the database,
    so several workers (on several machines, on PostgreSQL) share the cameras and take over from each other."""

    enabled: bool = Field(default=True, description="Run the capture worker inside `serve`.")
    worker_id: str = Field(default="", max_length=100, description="Unique per worker; empty = host:pid.")
    lease_s: float = Field(default=30, ge=5, le=3600, description="A camera's owner must renew within this.")
    queue_size: int = Field(default=4, ge=1, le=100, description="Frames buffered per camera (drop-oldest).")
    sync_s: float = Field(
        default=2.0,
        ge=0.2,
        le=600,
        description="Heartbeat, lease renewal and one rebalancing step this often (capped at lease_s / 3).",
    )
    weight: float = Field(
        default=1.0, gt=0, le=100, description="Capacity relative to the other workers (fair share weight)."
    )
    advertise_url: str = Field(
        default="",
        max_length=300,
        pattern=r"^(https?://[^\s/]+)?$",
        description="Internal base URL (scheme://host:port on the site network) where API processes reach "
        "this worker's live pictures; empty = not reachable from other processes.",
    )
    internal_secret: SecretStr = Field(
        default=SecretStr(""),
        description="Shared secret API processes send to workers (X-Controlroom-Internal) for live pictures.",
    )
    processes: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Capture processes on this machine: `serve` runs at least this many processes "
        "(PostgreSQL only), each a worker of its own (`<worker_id>`, `<worker_id>.2`, …) with a fair share "
        "of the cameras, so that capture uses more than one core.",
    )
    quiet_after_s: float = Field(
        default=60,
        ge=0,
        le=86400,
        description="A camera without motion for this long decodes keyframes only (0 = never); recording "
        "is unaffected; cameras with detect.quiet_decode false are exempt.",
    )

    @property
    def sync_every_s(self) -> float:
        """How often the worker heartbeats and rebalances: `sync_s`, at most a third of the lease."""
        return min(self.sync_s, self.lease_s / 3)

    @model_validator(mode="after")
    def _advertised_workers_need_a_secret(self) -> Self:
        if self.advertise_url and len(self.internal_secret.get_secret_value()) < 16:
            raise ValueError("internal_secret: at least 16 characters when advertise_url is set")
        return self


class LimitsSettings(StrictSchema):
    """Bounds on what one request may ask for: body size (answered 413 before the body is read)."""

    max_body_bytes: int = Field(
        default=1_000_000, ge=1_000, le=100_000_000, description="Largest request body (JSON, forms)."
    )
    max_upload_bytes: int = Field(
        default=12_000_000,
        ge=10_000,
        le=500_000_000,
        description="Largest body of an upload route (multipart photos); keep above maintenance.max_photo_bytes.",
    )


class CameraControlSettings(StrictSchema):
    """Who may move cameras and change their settings (R2, D3)."""

    ptz_roles: list[str] = Field(
        default_factory=lambda: ["operator", "shift_leader", "supervisor"],
        description="Roles allowed to use PTZ (always with a reason, audited).",
    )
    return_home_s: float = Field(
        default=120, ge=5, le=86400, description="PTZ returns home after this idle time."
    )


class MetricsSettings(StrictSchema):
    """Who may scrape `/metrics` (it names every camera and which are offline): a bearer token, or an address
    in the allow-list."""

    token: SecretStr = Field(
        default=SecretStr(""),
        description="Prometheus sends it as `authorization: {credentials: ...}`; empty = no token accepted.",
    )
    allow: list[str] = Field(
        default_factory=lambda: ["127.0.0.1/32", "::1/128"],
        description="Addresses or networks (CIDR) that may scrape without a token.",
    )

    @field_validator("allow")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError as exc:
                raise ValueError(f"{item!r} is not an address or network") from exc
        return value


class ChainSettings(StrictSchema):
    """Signed checkpoints of the audit and duty-log chains (proof of authorship, README "Security")."""

    checkpoint_every_entries: int = Field(
        default=1000, ge=1, le=10_000_000, description="Sign a chain's head after this many new entries."
    )
    checkpoint_every_minutes: int = Field(
        default=60, ge=1, le=24 * 60, description="...and at least this often while it grows."
    )
    checkpoint_file: Path | None = Field(
        default=None,
        description="Append-only file of the checkpoints, to back up; empty: <data_dir>/checkpoints.jsonl.",
    )

    def file_path(self, data_dir: Path) -> Path:
        """Where the published checkpoints are appended."""
        return self.checkpoint_file if self.checkpoint_file is not None else data_dir / "checkpoints.jsonl"


class Settings(BaseSettings):
    """Everything configurable. Build it with `config.load.load_settings()`, then pass it down."""

    model_config = SettingsConfigDict(
        env_prefix="CONTROLROOM_",
        env_nested_delimiter="__",
        extra="forbid",
        populate_by_name=True,
    )

    environment: Literal["development", "production"] = Field(
        default="development", description="production refuses placeholder secrets."
    )
    data_dir: Path = Field(default=Path("data"), description="Folder for the SQLite file, keys and footage.")
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    site: SiteSettings = Field(default_factory=SiteSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    chains: ChainSettings = Field(default_factory=ChainSettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    mqtt: MqttSettings = Field(default_factory=MqttSettings)
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    camera_control: CameraControlSettings = Field(default_factory=CameraControlSettings)
    limits: LimitsSettings = Field(default_factory=LimitsSettings)
    maintenance: MaintenanceSettings = Field(default_factory=MaintenanceSettings)
    footage: FootageSettings = Field(default_factory=FootageSettings)
    reports: ReportSettings = Field(default_factory=ReportSettings)
    duty_rules: DutyRulesSettings = Field(default_factory=DutyRulesSettings)
    cameras: list[CameraConfig] = Field(default_factory=list, description="Cameras imported at start-up.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Environment variables override the YAML file, which `load_settings` passes as init values."""
        return (env_settings, init_settings)

    @model_validator(mode="after")
    def _sqlite_in_data_dir_by_default(self) -> Self:
        if not self.database.url.get_secret_value():
            self.database.url = SecretStr(f"sqlite:///{self.data_dir / 'controlroom.db'}")
        return self

    @model_validator(mode="after")
    def _no_placeholder_secrets_in_production(self) -> Self:
        if self.environment == "production" and self.auth.secret_key.get_secret_value() == PLACEHOLDER_SECRET:
            raise ValueError("auth.secret_key: must be set to a real secret in production")
        return self

    @model_validator(mode="after")
    def _camera_names_unique(self) -> Self:
        seen: set[str] = set()
        for cam in self.cameras:
            if cam.name in seen:
                raise ValueError(f"cameras: duplicate camera name {cam.name!r}")
            seen.add(cam.name)
        return self
