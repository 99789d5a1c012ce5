"""The rule set in force: versions (append-only, audited, with a diff), look-up at any moment, `enforce`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.audit import service as audit
from core.actor import Actor
from core.errors import ConfigError, ControlroomError
from core.messages import Message
from db.transition import serialize
from shift_logs.rules.errors import DutyRuleBroken, RuleChangeForbidden, RuleEditInvalid
from shift_logs.rules.evaluate import blocking, evaluate
from shift_logs.rules.facts import Facts, Violation
from shift_logs.rules.model import DutyRules, default_rules, parse_duty_rules
from shift_logs.rules.models import DutyRuleVersion

__all__ = [
    "change",
    "current",
    "diff",
    "digest",
    "enforce",
    "history",
    "in_force",
    "require_version",
    "sync_from_file",
    "version_at",
]

VERSIONS_LOCK = "duty_rule_versions"  # one numbering of rule versions at a time


def digest(rules: DutyRules) -> str:
    """A stable SHA-256 of the rule set's content."""
    text = json.dumps(rules.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _flat(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(_flat(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: data}


def diff(old: DutyRules | None, new: DutyRules) -> list[dict[str, Any]]:
    """Changed leaves as [{path, old, new}] (dotted key paths)."""
    before = _flat(old.model_dump(mode="json")) if old is not None else {}
    after = _flat(new.model_dump(mode="json"))
    return [
        {"path": path, "old": before.get(path), "new": after.get(path)}
        for path in sorted(set(before) | set(after))
        if before.get(path) != after.get(path)
    ]


def version_at(session: Session, at: dt.datetime | None = None) -> DutyRuleVersion | None:
    """The version in force at `at` (now by default); None before the first version."""
    stmt = select(DutyRuleVersion)
    if at is not None:
        stmt = stmt.where(DutyRuleVersion.created_at <= at)
    return session.scalars(stmt.order_by(DutyRuleVersion.version.desc()).limit(1)).first()


def current(session: Session) -> DutyRuleVersion | None:
    """The newest version."""
    return version_at(session)


def in_force(session: Session, at: dt.datetime | None = None) -> DutyRules:
    """The rules in force at `at` (the packaged default before any version was stored)."""
    row = version_at(session, at)
    return DutyRules.model_validate(row.content) if row is not None else default_rules()


def require_version(session: Session, version: int) -> DutyRuleVersion:
    """One version by number, or RuleEditInvalid naming `version`."""
    row = session.scalar(select(DutyRuleVersion).where(DutyRuleVersion.version == version))
    if row is None:
        raise RuleEditInvalid(f"there is no rules version {version}", field="version")
    return row


def history(session: Session) -> list[DutyRuleVersion]:
    """Every version, newest first."""
    return list(session.scalars(select(DutyRuleVersion).order_by(DutyRuleVersion.version.desc())))


def _append(
    session: Session, rules: DutyRules, *, actor: Actor, reason: str, source: str, now: dt.datetime
) -> DutyRuleVersion:
    head = current(session)
    old = DutyRules.model_validate(head.content) if head is not None else default_rules()
    changes = diff(old, rules)
    number = (session.scalar(select(func.max(DutyRuleVersion.version))) or 0) + 1
    row = DutyRuleVersion(
        version=number,
        content=rules.model_dump(mode="json"),
        digest=digest(rules),
        diff=changes,
        source=source,
        changed_by=actor.name,
        reason=reason,
        created_at=now,
    )
    session.add(row)
    session.flush()
    detail = {"version": number, "digest": row.digest, "reason": reason, "source": source, "diff": changes}
    audit.record(
        session,
        actor=actor,
        action="duty_rules.change",
        target=f"duty_rules:v{number}",
        detail=detail,
        now=now,
    )
    return row


def change(
    session: Session,
    *,
    content: dict[str, Any],
    actor: Actor,
    roles: Iterable[str],
    allowed_roles: Iterable[str],
    reason: str,
    now: dt.datetime,
) -> DutyRuleVersion:
    """Store an edited rule set as a new version (only by `allowed_roles`, with a reason); 422 names the field."""
    if not set(roles) & set(allowed_roles):
        raise RuleChangeForbidden(f"changing the duty rules needs one of: {', '.join(sorted(allowed_roles))}")
    if not reason.strip():
        raise RuleEditInvalid("say why the rules change", field="reason")
    try:
        rules = parse_duty_rules(content, source="rules")
    except ConfigError as exc:
        lines: list[str] = exc.detail or [exc.message]
        field = lines[0].split(":", 1)[0] if ":" in lines[0] else None
        raise RuleEditInvalid("; ".join(lines), field=field, detail=lines) from exc
    serialize(session, VERSIONS_LOCK)
    head = current(session)
    if head is not None and head.digest == digest(rules):
        raise RuleEditInvalid("the rules are unchanged", field="rules")
    return _append(session, rules, actor=actor, reason=reason.strip(), source="api", now=now)


def _last_from_file(session: Session) -> DutyRuleVersion | None:
    stmt = select(DutyRuleVersion).where(DutyRuleVersion.source == "file")
    return session.scalars(stmt.order_by(DutyRuleVersion.version.desc()).limit(1)).first()


def sync_from_file(session: Session, rules: DutyRules, *, now: dt.datetime) -> DutyRuleVersion | None:
    """Store the file's rules as a new version when the FILE changed; None when it did not.

    The database is the authority: the version in force is the newest row, whether it came from the file
    or from the API. The file is an input, imported when nothing is stored yet (the first start) and again
    only when its content differs from the last version that came from it (before any file version, from
    the packaged default). A change made through the API is therefore never replaced by an unchanged file.
    Several processes starting at once on an empty database import the file once: the others wait for the
    first and then find its version.
    """
    serialize(session, VERSIONS_LOCK)
    head = current(session)
    new = digest(rules)
    if head is not None:
        last = _last_from_file(session)
        seen = last.digest if last is not None else digest(default_rules())
        if new in (seen, head.digest):
            return None
    reason = "rule file changed" if head is not None else "rule file at first start"
    actor = Actor.system("duty-rules-file")
    return _append(session, rules, actor=actor, reason=reason, source="file", now=now)


def enforce(
    session: Session,
    facts: Facts,
    *,
    now: dt.datetime,
    errors: Mapping[str, type[ControlroomError]] | None = None,
) -> list[Violation]:
    """Evaluate the rules in force: raise for a `block` violation (DutyRuleBroken, or `errors[rule_id]`),
    return the `warn` ones."""
    found = evaluate(in_force(session), facts, now)
    refused = blocking(found)
    if refused:
        first = refused[0]
        detail = {
            "rule_id": first.rule_id,
            "clause": first.clause,
            "violations": [{"rule_id": v.rule_id, "clause": v.clause, "message": v.message} for v in refused],
        }
        error = (errors or {}).get(first.rule_id, DutyRuleBroken)
        refusal = error(f"{first.message} (rule {first.rule_id}, {first.clause})", detail=detail)
        if first.said is not None:
            refusal.said = Message(
                "msg.rule.refused",
                {"why": first.said, "rule": Message(f"rule.{first.rule_id}"), "clause": first.clause},
            )
        raise refusal
    return found
