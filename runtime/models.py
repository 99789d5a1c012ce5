"""Imports every ORM model so that `Base.metadata` knows all tables (for Alembic and test set-up)."""

from __future__ import annotations

import footage.models  # noqa: F401 - registers the footage tables
from access.audit.models import AuditEntry
from access.signin.models import LoginFailure
from access.users.models import AuthToken, User, UserRole
from alerts.models import Alert, AlertChange, AlertSnapshot
from db.base import Base
from db.chain import ChainHead
from db.checkpoints import ChainCheckpoint
from db.outbox import Delivery, OutboxMessage
from devices.camera.models import Camera
from devices.worker.models import CaptureWorker
from maintenance.models import Equipment, Fault, FaultEvent, FaultPhoto, MaintenanceCheck
from reports.models import StoredReport
from shift_logs.duty_log.models import DutyEntry
from shift_logs.handover.models import Handover
from shift_logs.incident.models import Incident, IncidentStep, Transfer
from shift_logs.roster.models import LeaveRequest, Post, Presence, PresenceFlag, RosterEntry, Shift
from shift_logs.rules.models import DutyRuleVersion, RulesConfirmation, Violation, ViolationResolution
from shift_logs.task.models import Task
from shift_logs.unit.models import Unit
from shift_logs.visitor.models import Visit

__all__ = [
    "Alert",
    "AlertChange",
    "AlertSnapshot",
    "AuditEntry",
    "AuthToken",
    "Base",
    "Camera",
    "CaptureWorker",
    "ChainCheckpoint",
    "ChainHead",
    "Delivery",
    "DutyEntry",
    "DutyRuleVersion",
    "Equipment",
    "Fault",
    "FaultEvent",
    "FaultPhoto",
    "Handover",
    "Incident",
    "IncidentStep",
    "LeaveRequest",
    "LoginFailure",
    "MaintenanceCheck",
    "OutboxMessage",
    "Post",
    "Presence",
    "PresenceFlag",
    "RosterEntry",
    "RulesConfirmation",
    "Shift",
    "StoredReport",
    "Task",
    "Transfer",
    "Unit",
    "User",
    "UserRole",
    "Violation",
    "ViolationResolution",
    "Visit",
]
