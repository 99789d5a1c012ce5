"""Add a camera from its ONVIF address (admin; with a reason; audited). The device fills in the record."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from api.deps import SessionDep, SettingsDep, audit_as
from api.errors import PROBLEM_RESPONSES
from api.policies import ADMINS
from api.schemas import Problem
from devices.camera.onvif_add import create_from_onvif
from devices.camera.schemas import CameraOnvifCreate, CameraRead
from devices.credentials import CredentialBox

router = APIRouter(
    prefix="/api/v1/cameras",
    tags=["cameras"],
    responses={**PROBLEM_RESPONSES, 503: {"model": Problem, "description": "The device cannot be reached"}},
)
ONVIF_TIMEOUT_S = 10.0


@router.post("/onvif", dependencies=[Depends(ADMINS)], response_model=CameraRead, status_code=201)
def add_onvif_camera(
    body: CameraOnvifCreate, request: Request, session: SessionDep, settings: SettingsDep
) -> CameraRead:
    """Describe the ONVIF device at host:port and register it with its main and sub stream URLs."""
    audit_as(
        request,
        "camera.create",
        f"camera:{body.name}",
        detail={"reason": body.reason, "onvif": f"{body.host}:{body.port}"},
    )
    box = CredentialBox(settings.auth.secret_key.get_secret_value())
    added = create_from_onvif(session, data=body, box=box, timeout=ONVIF_TIMEOUT_S)
    audit_as(request, more={"device": added.device})
    return CameraRead.model_validate(added.camera)
