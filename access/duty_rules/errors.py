"""Errors of the duty rules.

Conflict
└── DutyRuleBroken     409  a `block` rule refuses the action (rule id, clause, plain explanation)
Invalid
└── RuleEditInvalid    422  an edit would make the rule set invalid or contradictory (names the field)
Forbidden
└── RuleChangeForbidden 403 the caller's roles may not change the rules
"""

from __future__ import annotations

from core.errors import Conflict, Forbidden, Invalid

__all__ = ["DutyRuleBroken", "RuleChangeForbidden", "RuleEditInvalid"]


class DutyRuleBroken(Conflict):
    """A `block` duty rule refuses the action."""

    code = "duty_rule_broken"


class RuleEditInvalid(Invalid):
    """The edited rule set does not validate or contradicts itself."""

    code = "duty_rules_invalid"


class RuleChangeForbidden(Forbidden):
    """Only the configured roles change the rules."""

    code = "duty_rules_forbidden"
