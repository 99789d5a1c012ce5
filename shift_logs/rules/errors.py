"""Errors of the duty rules and the compliance record.

NotFound
└── ViolationNotFound     404
Conflict
└── DutyRuleBroken        409  a `block` rule refuses the action (rule id, clause, plain explanation)
InvalidTransition
└── ViolationResolved     409  the violation is resolved already
Invalid
├── NotCurrentVersion     422  a confirmation must name the version in force
└── RuleEditInvalid       422  an edit would make the rule set invalid or contradictory (names the field)
Forbidden
└── RuleChangeForbidden   403  the caller's roles may not change the rules
"""

from __future__ import annotations

from core.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound

__all__ = [
    "DutyRuleBroken",
    "NotCurrentVersion",
    "RuleChangeForbidden",
    "RuleEditInvalid",
    "ViolationNotFound",
    "ViolationResolved",
]


class ViolationNotFound(NotFound):
    """No such violation."""

    code = "violation_not_found"


class ViolationResolved(InvalidTransition):
    """A violation is resolved once."""

    code = "violation_resolved"


class NotCurrentVersion(Invalid):
    """Confirming a version that is not in force."""

    code = "not_current_version"


class DutyRuleBroken(Conflict):
    """A `block` duty rule refuses the action."""

    code = "duty_rule_broken"


class RuleEditInvalid(Invalid):
    """The edited rule set does not validate or contradicts itself."""

    code = "duty_rules_invalid"


class RuleChangeForbidden(Forbidden):
    """Only the configured roles change the rules."""

    code = "duty_rules_forbidden"
