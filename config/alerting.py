"""Settings of the alert queue, escalation, dispatch and outbound delivery (MQTT, webhooks)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator

from core.schemas import StrictSchema

__all__ = ["AlertSettings", "DeliverySettings", "MqttSettings", "ResponderConfig"]


class ResponderConfig(StrictSchema):
    """Someone an alert can be dispatched to (R3, D4): patrol, security, police liaison..."""

    name: str = Field(
        min_length=1, max_length=64, pattern=r"^[a-z0-9_-]+$", description="Short id, e.g. patrol."
    )
    label: str = Field(default="", max_length=100, description="Shown in the console.")
    label_zh: str = Field(default="", max_length=100, description="Chinese label.")
    webhook_url: str | None = Field(default=None, max_length=1000, description="Also POST dispatches here.")


class AlertSettings(StrictSchema):
    """The alert queue: de-duplication, acknowledgement targets, escalation, responders."""

    cooldown_s: float = Field(default=60, ge=0, le=3600, description="Repeats within this update one alert.")
    ack_target_high_s: float = Field(default=30, gt=0, le=3600, description="High priority: ack within.")
    ack_target_normal_s: float = Field(default=60, gt=0, le=3600, description="Normal priority: ack within.")
    escalation_check_s: float = Field(
        default=2, gt=0, le=60, description="How often overdue alerts are checked."
    )
    responders: list[ResponderConfig] = Field(
        default_factory=lambda: [
            ResponderConfig(name="patrol", label="Patrol", label_zh="巡逻"),
            ResponderConfig(name="security", label="Security", label_zh="保安"),
        ],
        description="Who alerts can be dispatched to.",
    )

    @model_validator(mode="after")
    def _high_is_not_slower_than_normal(self) -> Self:
        if self.ack_target_high_s > self.ack_target_normal_s:
            raise ValueError("ack_target_high_s must not exceed ack_target_normal_s")
        return self


class MqttSettings(StrictSchema):
    """The MQTT broker events are published to (optional)."""

    enabled: bool = Field(default=False, description="Publish alert events and dispatches to MQTT.")
    host: str = Field(default="127.0.0.1", min_length=1, max_length=255)
    port: int = Field(default=1883, ge=1, le=65535)
    username: str = Field(default="", max_length=128)
    password: SecretStr = Field(default=SecretStr(""))
    topic_prefix: str = Field(default="controlroom", min_length=1, max_length=100, pattern=r"^[^#+]+$")
    timeout_s: float = Field(default=5, gt=0, le=60, description="Connect/publish timeout.")


class DeliverySettings(StrictSchema):
    """Retries of outbound deliveries."""

    interval_s: float = Field(default=1, gt=0, le=60, description="How often pending deliveries are sent.")
    max_attempts: int = Field(default=20, ge=1, le=1000, description="Give up after this many tries.")
    backoff_base_s: float = Field(default=1, gt=0, le=600)
    backoff_cap_s: float = Field(default=300, gt=0, le=86400)
    batch: int = Field(default=50, ge=1, le=1000)
