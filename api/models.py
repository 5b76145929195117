"""Every table, imported in one place so metadata is complete for Alembic and create_all."""

from api.actions.models import Action
from api.agencies.models import Agency, AgencyAlias, AgencyLink
from api.alerts.models import (
    AlertAttempt,
    AlertDefaultsInstalled,
    AlertOutbox,
    AlertPreference,
    AlertRule,
    AlertSettings,
    FeedToken,
    Follow,
    Notification,
    SchedulerLease,
    WebhookEndpoint,
)
from api.auth.models import (
    ApiToken,
    AuditEntry,
    AuthSession,
    InstanceSetting,
    Invitation,
    LoginAttempt,
    PasswordReset,
    User,
)
from api.bodies.models import Body
from api.campaigns.models import Campaign, CampaignLead
from api.contracts.models import Contract, ContractOutcome
from api.documents.models import Document
from api.evidence.models import EvidenceEntry
from api.jurisdictions.models import Jurisdiction
from api.known_outcomes.models import KnownOutcome
from api.media.models import MediaContact, PressHit
from api.meetings.models import Meeting, MeetingAttendee, MeetingNote, MeetingTarget
from api.organizations.models import Organization
from api.people.models import Affiliation, Person
from api.public_pages.models import PublicItem, PublicPage
from api.records_requests.models import RecordsRequest, RequestDocument, RequestStatusChange
from api.search.models import SavedSearch, SavedSearchMatch
from api.sharing.models import SharingLink
from api.sources.models import AgendaKeyword, AgendaSync, CameraCount, SuggestedVote
from api.supporters.models import Supporter, SupporterAttempt, SupporterReminder
from api.targets.models import Stance, StanceChange, Target
from api.tasks.models import Task
from api.vendors.models import Vendor
from api.votes.models import Vote

__all__ = [
    "Action", "Affiliation", "Agency", "AgencyAlias", "AgencyLink", "AgendaKeyword", "AgendaSync",
    "AlertAttempt",
    "AlertDefaultsInstalled", "AlertOutbox", "AlertPreference", "AlertRule", "AlertSettings",
    "ApiToken", "AuditEntry", "AuthSession", "Body", "CameraCount", "Campaign", "CampaignLead",
    "Contract", "ContractOutcome", "Document", "EvidenceEntry", "FeedToken", "Follow",
    "InstanceSetting", "KnownOutcome",
    "Invitation", "Jurisdiction",
    "LoginAttempt", "MediaContact", "Meeting", "MeetingAttendee", "MeetingNote", "MeetingTarget",
    "Notification",
    "Organization", "PasswordReset", "Person", "PressHit", "PublicItem", "PublicPage",
    "RecordsRequest", "RequestDocument",
    "RequestStatusChange", "SavedSearch", "SavedSearchMatch", "SchedulerLease", "SharingLink",
    "Stance", "StanceChange", "SuggestedVote", "Supporter", "SupporterAttempt",
    "SupporterReminder", "Target",
    "Task", "User", "Vendor", "Vote", "WebhookEndpoint",
]
