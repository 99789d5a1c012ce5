"""Operator duty rules (the regulations as data): one typed model per rule, validated like the main config.

The file `config/duty_rules.yaml` holds the default set. `load_duty_rules` reads a file and fails with
`ConfigError` naming the key path and the reason (unknown rule id, wrong type, negative duration,
contradictory values); `contradictions` is the one list of cross-rule checks (also used by API edits).
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any, Literal, Self

import yaml
from pydantic import ConfigDict, Field, ValidationError, model_validator

from config.alerting import AlertSettings
from config.settings import DEFAULT_RULES_FILE
from core.errors import ConfigError
from core.schemas import StrictSchema

__all__ = [
    "DEFAULT_RULES_FILE",
    "RULE_IDS",
    "DutyRules",
    "Severity",
    "alert_settings_from",
    "contradictions",
    "default_rules",
    "load_duty_rules",
    "parse_duty_rules",
]

Clause = Literal[
    "R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "D1", "D2", "D3", "D4", "D5", "D6", "D7"
]


class Severity(enum.StrEnum):
    """What a broken rule does: refuse the action, or save it and flag it."""

    BLOCK = "block"
    WARN = "warn"


class _Strict(StrictSchema):
    """The rule file's models, also frozen: a rule set in force is never changed in place."""

    model_config = ConfigDict(frozen=True)


class _Rule(_Strict):
    clause: Clause = Field(description="The regulation clause the rule implements.")
    severity: Severity = Field(default=Severity.WARN, description="block refuses; warn saves and flags.")
    enabled: bool = Field(default=True, description="A disabled rule is never evaluated.")


class MinStaffParams(_Strict):
    per_post: int = Field(default=1, ge=1, le=1, description="People on each post at every moment.")
    grace_minutes: int = Field(
        default=10, ge=0, le=240, description="A post may stay unstaffed this long after a duty starts; "
        "a check-in after it is late.",
    )  # fmt: skip


class HoursParams(_Strict):
    hours: float = Field(default=12, ge=0, le=72, description="Hours.")


class ScreenBreakParams(_Strict):
    after_minutes: int = Field(default=120, gt=0, le=24 * 60, description="Watching time before a break.")
    break_minutes: int = Field(default=15, gt=0, le=240, description="Length of the break.")
    substitute_required: bool = Field(default=True, description="A break needs a substitute on the post.")


class MinutesParams(_Strict):
    minutes: int = Field(default=15, ge=0, le=24 * 60, description="Minutes.")


class HandoverParams(_Strict):
    minutes: int = Field(
        default=15, ge=0, le=24 * 60, description="Start the handover this long before the end."
    )
    grace_minutes: int = Field(
        default=15, ge=0, le=24 * 60, description="A handover the outgoing operator has not signed this long "
        "after the duty ended is late.",
    )  # fmt: skip


class AckParams(_Strict):
    high_s: float = Field(default=30, gt=0, le=3600, description="High priority: acknowledge within.")
    normal_s: float = Field(default=60, gt=0, le=3600, description="Normal priority: acknowledge within.")


class SecondsParams(_Strict):
    seconds: float = Field(default=120, ge=5, le=86400, description="Seconds.")


class SeparationParams(_Strict):
    footage_request: bool = Field(default=True, description="A requester never approves their own request.")
    leave: bool = Field(default=True, description="Nobody approves their own leave.")
    handover: bool = Field(default=True, description="The incoming operator is not the outgoing one.")
    hold_release: bool = Field(default=True, description="A hold's releaser is not its placer.")


class GrantParams(_Strict):
    max_hours: float = Field(default=72, gt=0, le=24 * 30, description="Longest validity of a grant.")


class KeyCameraParams(_Strict):
    cameras: list[str] = Field(default_factory=list, description="Names of cameras that must be key.")


class ReportDeadlineParams(_Strict):
    acceptance_days: int = Field(default=15, ge=1, le=90, description="Accept or refuse a report within.")
    result_days: int = Field(default=60, ge=1, le=365, description="Promised time for a result.")
    unit_reply_days: int = Field(default=15, ge=1, le=180, description="A transferred unit replies within.")
    return_visit_days: int = Field(
        default=7, ge=1, le=90, description="Return visit after the answer within."
    )


class MinStaff(_Rule):
    params: MinStaffParams = Field(default_factory=MinStaffParams)


class HoursRule(_Rule):
    params: HoursParams = Field(default_factory=HoursParams)


class ScreenBreak(_Rule):
    params: ScreenBreakParams = Field(default_factory=ScreenBreakParams)


class MinutesRule(_Rule):
    params: MinutesParams = Field(default_factory=MinutesParams)


class HandoverLead(_Rule):
    params: HandoverParams = Field(default_factory=HandoverParams)


class AckTargets(_Rule):
    params: AckParams = Field(default_factory=AckParams)


class PtzReturnHome(_Rule):
    params: SecondsParams = Field(default_factory=SecondsParams)


class Separation(_Rule):
    params: SeparationParams = Field(default_factory=SeparationParams)


class GrantValidity(_Rule):
    params: GrantParams = Field(default_factory=GrantParams)


class KeyCameras(_Rule):
    params: KeyCameraParams = Field(default_factory=KeyCameraParams)


class ReportDeadlines(_Rule):
    params: ReportDeadlineParams = Field(default_factory=ReportDeadlineParams)


class RuleMap(_Strict):
    """Every rule by id; a missing rule takes its default, an unknown id is refused."""

    min_staff: MinStaff = MinStaff(clause="R5")
    max_continuous_duty: HoursRule = HoursRule(clause="D1", severity=Severity.BLOCK)
    min_rest: HoursRule = HoursRule(clause="D1", severity=Severity.BLOCK, params=HoursParams(hours=8))
    screen_break: ScreenBreak = ScreenBreak(clause="D2")
    handover_lead: HandoverLead = HandoverLead(clause="R4")
    inactivity: MinutesRule = MinutesRule(clause="D2", params=MinutesParams(minutes=20))
    ack_targets: AckTargets = AckTargets(clause="R3")
    ptz_return_home: PtzReturnHome = PtzReturnHome(clause="R2")
    separation_of_duties: Separation = Separation(clause="R7", severity=Severity.BLOCK)
    grant_validity: GrantValidity = GrantValidity(clause="R7", severity=Severity.BLOCK)
    key_cameras_on_wall: KeyCameras = KeyCameras(clause="D2")
    report_deadlines: ReportDeadlines = ReportDeadlines(clause="D5")


RULE_IDS: tuple[str, ...] = tuple(RuleMap.model_fields)


def contradictions(rules: RuleMap) -> list[tuple[str, str]]:
    """Cross-rule contradictions as (key path, reason); empty when the set is consistent."""
    found: list[tuple[str, str]] = []
    duty_min = rules.max_continuous_duty.params.hours * 60
    brk = rules.screen_break.params
    if rules.max_continuous_duty.enabled and brk.after_minutes >= duty_min:
        found.append(
            (
                "rules.screen_break.params.after_minutes",
                f"a break after {brk.after_minutes} min never comes within the longest duty "
                f"({rules.max_continuous_duty.params.hours:g} h)",
            )
        )
    if brk.break_minutes >= brk.after_minutes:
        found.append(
            ("rules.screen_break.params.break_minutes", "the break must be shorter than the interval")
        )
    if rules.max_continuous_duty.params.hours <= 0:
        found.append(("rules.max_continuous_duty.params.hours", "must be > 0"))
    ack = rules.ack_targets.params
    if ack.high_s > ack.normal_s:
        found.append(("rules.ack_targets.params.high_s", "high priority must not be slower than normal"))
    if rules.handover_lead.params.minutes >= duty_min:
        found.append(("rules.handover_lead.params.minutes", "the handover lead exceeds the longest duty"))
    return found


class DutyRules(_Strict):
    """A whole rule set (what one version holds)."""

    rules: RuleMap = Field(default_factory=RuleMap)

    @model_validator(mode="after")
    def _no_contradictions(self) -> Self:
        found = contradictions(self.rules)
        if found:
            raise ValueError("; ".join(f"{path}: {reason}" for path, reason in found))
        return self


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _line(err: Any) -> str:
    loc, kind, ctx = tuple(err["loc"]), err["type"], err.get("ctx") or {}
    path = _path(loc)
    if kind == "extra_forbidden" and len(loc) == 2 and loc[0] == "rules":
        return f"{path}: unknown rule id (known: {', '.join(RULE_IDS)})"
    if kind == "extra_forbidden":
        return f"{path}: unknown key (check the spelling)"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{path}: must be {'>=' if kind.endswith('equal') else '>'} {ctx.get('ge', ctx.get('gt'))}"
    message = str(err["msg"]).removeprefix("Value error, ")
    if not loc:
        return message
    return f"{path}: {message}"


def validation_lines(exc: ValidationError) -> list[str]:
    """A pydantic error as lines `key.path: reason`."""
    return [_line(err) for err in exc.errors(include_url=False)]


def parse_duty_rules(data: Any, *, source: str = "duty rules") -> DutyRules:
    """Validate a mapping (YAML or JSON data) into a rule set; raise ConfigError naming key paths."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the top level must be a mapping with `rules`")
    try:
        return DutyRules.model_validate(data)
    except ValidationError as exc:
        lines = validation_lines(exc)
        raise ConfigError(f"{source}: invalid duty rules:\n  " + "\n  ".join(lines), detail=lines) from exc


def load_duty_rules(path: Path | None = None) -> DutyRules:
    """Read and validate a rule file (the packaged default when `path` is None)."""
    path = path or DEFAULT_RULES_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read duty rules ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc
    return parse_duty_rules(data, source=str(path))


def default_rules() -> DutyRules:
    """The packaged default rule set (mirrors the regulations)."""
    return load_duty_rules(DEFAULT_RULES_FILE)


def alert_settings_from(rules: DutyRules, alerts: AlertSettings) -> AlertSettings:
    """The alert settings with the acknowledgement targets of the rule set (the rules win when enabled)."""
    ack = rules.rules.ack_targets
    if not ack.enabled:
        return alerts
    return alerts.model_copy(
        update={"ack_target_high_s": ack.params.high_s, "ack_target_normal_s": ack.params.normal_s}
    )
