"""The command line of outside data: `oversight sync agendas` and `oversight import KIND FILE`,
which prints the preview and asks before writing anything."""

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from api.i18n.catalogs import N_, gettext, ngettext

AGENCY_IMPORTS = ("atlas", "data-driven")
SHEET_IMPORTS = ("organizations", "people", "targets")
SHARING_IMPORTS = ("data-driven-sharing", "sharing-report")

# The words of an import's preview: what a row would do, and what matched it to a record.
ACTION_WORDS = {"create": N_("create"), "update": N_("update"), "skip": N_("skip"),
                "error": N_("error")}
MATCH_WORDS = {"email": N_("email"), "name": N_("name"),
               "name and organization": N_("name and organization"),
               "name and body": N_("name and body")}

# Each command imports what it runs inside its own function, as in api.cli: building
# the command line loads none of them.


def add_commands(commands: Any) -> None:
    """Adds `sync` and `import` to the `oversight` command's subcommands."""
    sync = commands.add_parser("sync", help=gettext("fetch outside data now"))
    sync.add_argument("what", choices=["agendas"],
                      help=gettext("agendas: every body's upcoming meetings"))
    sync.add_argument("--body", type=int, metavar="ID", help=gettext("only this body (its id)"))
    sync.set_defaults(run=_sync)

    load = commands.add_parser("import", help=gettext(
        "import a dataset or spreadsheet (preview first, then confirm)"))
    load.add_argument("kind", choices=[*AGENCY_IMPORTS, *SHARING_IMPORTS, *SHEET_IMPORTS],
                      help=gettext("what the file holds: an agency dataset (atlas, "
                                   "data-driven), data sharing (data-driven-sharing, "
                                   "sharing-report) or a spreadsheet of records"))
    load.add_argument("file", type=Path, metavar=gettext("FILE"),
                      help=gettext("the file to import"))
    load.add_argument("--yes", action="store_true", help=gettext("do not ask before writing"))
    load.add_argument("--on-duplicate", choices=["skip", "update", "create"], default="skip",
                      help=gettext("what to do with a row that matches an existing record"))
    load.add_argument("--skip-errors", action="store_true",
                      help=gettext("leave rows with errors out instead of stopping"))
    load.add_argument("--agency", type=int, metavar="ID", help=gettext(
        "sharing-report: the id of the agency the report is about"))
    load.add_argument("--date", default="", metavar=gettext("DATE"), help=gettext(
        "sharing-report: the report's date (2019, 2019-05 or 2019-05-14)"))
    load.add_argument("--source-url", default="", metavar="URL", help=gettext(
        "sharing-report: where the report is kept"))
    load.set_defaults(run=_import)


def _sync(args: argparse.Namespace) -> int:
    from api.db import new_session  # noqa: PLC0415
    from api.sources.agendas import service as agendas  # noqa: PLC0415

    reports = ([agendas.sync_body(new_session, args.body)] if args.body
               else agendas.sync_all(new_session))
    if not reports:
        print(gettext("No body has an agenda source."))
    for report in reports:
        if report.ok:
            print(gettext("body {body_id}: {events} meetings, {items} items, {created} new "
                          "suggestions, {updated} updated, {moved} moved").format(
                body_id=report.body_id, events=report.events, items=report.items,
                created=report.created, updated=report.updated, moved=report.moved))
        else:
            print(gettext("body {body_id}: FAILED: {error}").format(
                body_id=report.body_id, error=report.error))
    return 0 if all(r.ok for r in reports) else 1


def _confirmed(yes: bool) -> bool:
    if yes:
        return True
    try:
        answer = input(gettext("Write these changes? [y/N] "))
    except EOFError:
        return False
    # "y" and "yes" are understood in any language; each language adds its own word.
    return answer.strip().casefold() in ("y", "yes", *gettext("y|yes").casefold().split("|"))


def _import(args: argparse.Namespace) -> int:
    from api.db import session_scope  # noqa: PLC0415
    from api.errors import Invalid  # noqa: PLC0415

    if not args.file.is_file():
        raise Invalid(N_("No file at {file}."), file=args.file)
    content = args.file.read_bytes()
    steps = _agency_steps(args, content) if args.kind in AGENCY_IMPORTS else \
        _sharing_steps(args, content) if args.kind in SHARING_IMPORTS else \
        _sheet_steps(args, content)
    preview, write = steps
    # A report's preview reads its agency as the command line's account, made when missing.
    with session_scope(read_only=args.kind not in SHARING_IMPORTS) as session:
        print(preview(session))
    if not _confirmed(args.yes):
        print(gettext("Nothing was written."))
        return 0
    # Planned again inside the writing transaction, so it acts on the records as they are now.
    with session_scope() as session:
        print(write(session))
    return 0


Step = Callable[[Any], str]


def _agency_steps(args: argparse.Namespace, content: bytes) -> tuple[Step, Step]:
    from api.accounts.service import system_user  # noqa: PLC0415
    from api.sources import agency_import, atlas, data_driven  # noqa: PLC0415

    module: Any = atlas if args.kind == "atlas" else data_driven

    def preview(session: Any) -> str:
        return agency_import.describe(module.preview(session, content))

    def write(session: Any) -> str:
        _, result = module.commit(session, system_user(session), content)
        return gettext("Created {created}, updated {updated}, skipped {skipped}; {errors} rows "
                       "with errors were left out.").format(
            created=result.created, updated=result.updated, skipped=result.skipped,
            errors=len(result.errors))

    return preview, write


def _sharing_steps(args: argparse.Namespace, content: bytes) -> tuple[Step, Step]:
    from api.accounts.service import system_user  # noqa: PLC0415
    from api.errors import Invalid  # noqa: PLC0415
    from api.sources import sharing_links, uploads  # noqa: PLC0415

    # Held to the limits of an upload: empty or too large is said before anything is read.
    uploads.checked(content)
    source = None
    if args.kind == "sharing-report":
        if args.agency is None:
            raise Invalid(N_("Name the agency the report is about: --agency ID."))
        source = sharing_links.report_source(args.agency, args.date, args.source_url)

    def preview(session: Any) -> str:
        if source is None:
            plan = sharing_links.preview_data_driven(session, content)
        else:
            plan = sharing_links.preview_report(session, system_user(session), content, source)
        problems = ["  " + link.message for link in plan.links if link.action == "error"]
        return "\n".join([sharing_links.preview_words(plan), *problems])

    def write(session: Any) -> str:
        actor = system_user(session)
        if source is None:
            _, result = sharing_links.commit_data_driven(session, actor, content)
        else:
            _, result = sharing_links.commit_report(session, actor, content, source)
        return sharing_links.result_words(result)

    return preview, write


def _sheet_steps(args: argparse.Namespace, content: bytes) -> tuple[Step, Step]:
    from api.accounts.service import system_user  # noqa: PLC0415
    from api.sources import spreadsheets  # noqa: PLC0415

    def plan(session: Any) -> Any:
        return spreadsheets.plan(session, concept_name=args.kind, content=content,
                                 filename=args.file.name,
                                 on_duplicate=spreadsheets.Choice(args.on_duplicate))

    def preview(session: Any) -> str:
        sheet_plan = plan(session)
        counts = sheet_plan.counts
        # Each field by its label in the reader's language, as the import pages name it.
        lines = [gettext("Columns: {columns}").format(columns=", ".join(
            f"{header} -> {gettext(spreadsheets.label_of(field))}"
            for field, header in sheet_plan.mapping.items()))]
        lines.append(ngettext(
            "{rows} row: {create} to create, {update} to update, {skip} to skip, {error} with "
            "errors.",
            "{rows} rows: {create} to create, {update} to update, {skip} to skip, {error} with "
            "errors.", len(sheet_plan.rows)).format(
            rows=len(sheet_plan.rows), create=counts["create"], update=counts["update"],
            skip=counts["skip"], error=counts["error"]))
        for row in sheet_plan.rows:
            if row.errors:
                lines.append("  " + gettext("row {row}: {errors}").format(
                    row=row.row, errors="; ".join(
                        f"{gettext(spreadsheets.label_of(e['field']))}: {e['message']}"
                        for e in row.errors)))
            elif row.existing_id:
                lines.append("  " + gettext("row {row}: same {match} as #{id} -> {action}").format(
                    row=row.row, match=gettext(MATCH_WORDS.get(row.match, row.match)),
                    id=row.existing_id,
                    action=gettext(ACTION_WORDS.get(row.action, row.action))))
        return "\n".join(lines)

    def write(session: Any) -> str:
        result = spreadsheets.commit(session, system_user(session), plan(session),
                                     skip_errors=args.skip_errors)
        if result.left_out:
            return gettext("Created {created}, updated {updated}, skipped {skipped}; {errors} "
                           "rows with errors left out.").format(
                created=result.created, updated=result.updated, skipped=result.skipped,
                errors=len(result.left_out))
        return gettext("Created {created}, updated {updated}, skipped {skipped}.").format(
            created=result.created, updated=result.updated, skipped=result.skipped)

    return preview, write
