"""JSON endpoints for the redacted export of a campaign and the export of what an
organization shares."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.crud_routes import RecordId
from api.deps import SessionDep, UserDep
from api.exports import redacted, shared

router = APIRouter()
TierQuery = Annotated[str, Query(max_length=20, description="public (the default), coalition "
                                                            "or leads")]


def _zip(name: str, content: bytes) -> Response:
    return Response(content, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


@router.get("/campaigns/{record_id}/export.zip", response_class=Response, tags=["campaigns"],
            summary="A redacted export of the campaign, as a ZIP",
            description="CSV files and a readable HTML summary of the campaign, holding only "
                        "records shared at least as widely as the tier (public, coalition or "
                        "leads) and, for a partner, only its own organization's. Leads, "
                        "administrators and partners; not viewers.",
            responses={200: {"content": {"application/zip": {}}},
                       403: {"description": "A viewer"},
                       404: {"description": "No such campaign"},
                       422: {"description": "Not a tier one may export at"}})
def export_campaign(record_id: RecordId, session: SessionDep, actor: UserDep,
                    tier: TierQuery = "public") -> Response:
    return _zip(*redacted.export_campaign(session, actor, campaign_id=record_id, tier=tier))


@router.get("/organizations/{record_id}/shared-export.zip", response_class=Response,
            tags=["organizations"],
            summary="What an organization shares, as a ZIP, at a tier it picks",
            description="CSV files and a readable HTML summary of the organization's own "
                        "records shared at least as widely as the tier (public, coalition or "
                        "leads). Its members (not viewers) and administrators.",
            responses={200: {"content": {"application/zip": {}}},
                       403: {"description": "Not a member of the organization, or a viewer"},
                       404: {"description": "No such organization"},
                       422: {"description": "Not a tier one may export at"}})
def export_organization_shares(record_id: RecordId, session: SessionDep, actor: UserDep,
                               tier: TierQuery = "public") -> Response:
    return _zip(*shared.export_organization(session, actor, organization_id=record_id,
                                            tier=tier))
