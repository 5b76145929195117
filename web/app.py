"""Mounts the pages, their error pages and the static files onto the application, from the
explicit lists below: each concept's pages, the parts its detail page adds, and the pages of
their own."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from web import errors
from web.concepts import SPECS, record_url, refs_noun
from web.htmx import VaryOnHtmx
from web.routes import (
    account,
    agency_merge,
    agendas,
    alerts,
    auth,
    calendar,
    cameras,
    campaigns,
    concept_pages,
    contracts,
    dashboard,
    evidence,
    exposure,
    imports,
    language,
    manifest,
    maps,
    meetings,
    outcome_imports,
    playbooks,
    public_pages,
    records_batch,
    records_requests,
    saved_searches,
    search,
    sheet_imports,
    supporters,
)
from web.routes.concept_pages import ConceptPages
from web.routes.contract_pages import ContractPages
from web.routes.votes import VotePages
from web.templating import templates

STATIC_DIR = Path(__file__).parent / "static"
# The pages that take a file upload: a multipart body to them may be as large as the upload
# limit allows; every other form is held to the form limit (api.body_limit).
UPLOAD_PATHS = ("/imports/{kind}", "/outcome-imports", "/outcome-imports/commit",
                "/records-requests/{record_id}/received",
                "/{concept}/{record_id}/documents", "/agencies/{record_id}/sharing-links")


# Concepts with pages of their own in place of generic ones.
CUSTOM_PAGES: dict[str, type[ConceptPages]] = {"meetings": meetings.MeetingPages,
                                                "votes": VotePages,
                                                "contracts": ContractPages}
# The further parts of detail pages. Where several serve one concept they are merged in this
# order: the campaign page's own parts, then its playbook dates.
DETAIL_EXTRAS = (campaigns.DETAIL_EXTRAS, records_requests.DETAIL_EXTRAS,
                 playbooks.DETAIL_EXTRAS, contracts.DETAIL_EXTRAS)
# Pages beside the concepts' own. None registers a page a concept's pages have (a concept's
# page of its own is a method of its pages class, above), and no route of one answers a request
# meant for another's (a record's id is digits), so the order they are mounted in changes
# nothing.
PAGE_MODULES = (dashboard, campaigns, meetings, calendar, search, alerts, auth, account,
                playbooks, records_batch, records_requests, imports, sheet_imports, agendas,
                cameras, contracts, agency_merge, language, manifest, saved_searches, public_pages,
                supporters, exposure, maps, evidence, outcome_imports)


def mount_web(app: FastAPI) -> None:
    # What every page may call to link a record, set as the pages are built, never on import.
    templates.env.globals.update(record_url=record_url, refs_noun=refs_noun,
                                 remind_token=supporters.form_token)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    pages = concept_pages.build_concept_pages(SPECS, custom=CUSTOM_PAGES, extras=DETAIL_EXTRAS)
    app.state.concept_pages = pages
    for module in PAGE_MODULES:
        app.include_router(module.router)
    app.include_router(concept_pages.documents_router())
    for concept in pages.values():
        app.include_router(concept.router())
    errors.install(app)
    app.add_middleware(VaryOnHtmx, skip_prefixes=("/api/", "/static/", "/healthz"))
