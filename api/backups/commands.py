"""The command line of backups: `oversight backup`, `oversight restore`, `oversight backup-key`."""

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from api.i18n.catalogs import gettext, ngettext
from api.i18n.formatting import format_number

# Each command imports what it runs inside its own function, as in api.cli: building
# the command line loads none of them.


def add_commands(commands: Any) -> None:
    """Adds `backup`, `restore` and `backup-key` to the `oversight` command's subcommands."""
    backup = commands.add_parser("backup", help=gettext(
        "write an encrypted archive of the database and the uploaded documents"))
    backup.add_argument("--recipient", action="append", default=[], metavar="AGE1…",
                        help=gettext("an age public key to encrypt to (repeatable; default: "
                                     "OVERSIGHT_BACKUP_RECIPIENTS)"))
    backup.add_argument("--output", type=Path, default=None, metavar=gettext("FILE"),
                        help=gettext("where to write the archive (default: a new file in "
                                     "OVERSIGHT_BACKUP_DIR)"))
    backup.set_defaults(run=_backup)

    restore = commands.add_parser("restore", help=gettext(
        "restore an encrypted archive into an empty instance"))
    restore.add_argument("archive", type=Path, metavar=gettext("ARCHIVE"),
                         help=gettext("the encrypted archive `oversight backup` wrote"))
    restore.add_argument("--identity", required=True, metavar=gettext("FILE"),
                         help=gettext("the age identity file holding the private key; - reads "
                                      "it from standard input"))
    restore.set_defaults(run=_restore)

    key = commands.add_parser("backup-key", help=gettext(
        "make a new age key pair for backups: the private identity and its public recipient"))
    key.add_argument("--output", type=Path, default=None, metavar=gettext("FILE"),
                     help=gettext("write the identity to this new file instead of standard "
                                  "output"))
    key.set_defaults(run=_backup_key)


def _size(count: int) -> str:
    """A file's size, with the reader's digits ("1.5 MB", "1,5 MB" where a comma is the
    decimal mark)."""
    size = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            if unit == "bytes":
                return ngettext("{count} byte", "{count} bytes", count).format(
                    count=format_number(count))
            return f"{format_number(round(size, 1))} {unit}"
        size /= 1024
    return format_number(count)


def _documents(count: int) -> str:
    return ngettext("{count} document", "{count} documents", count).format(
        count=format_number(count))


def _backup(args: argparse.Namespace) -> int:
    from api.backups import service  # noqa: PLC0415

    made = service.make_backup(recipients=args.recipient, output=args.output)
    print(ngettext("Backup written to {path} ({size}: the {kind} database at revision "
                   "{revision} and {documents}), encrypted to {count} recipient.",
                   "Backup written to {path} ({size}: the {kind} database at revision "
                   "{revision} and {documents}), encrypted to {count} recipients.",
                   made.recipients).format(
        path=made.path, size=_size(made.size), kind=made.kind, revision=made.revision,
        documents=_documents(made.documents), count=made.recipients))
    return 0


def _restore(args: argparse.Namespace) -> int:
    from api.backups import service  # noqa: PLC0415

    done = service.restore(args.archive, identity_file=args.identity)
    if done.revision == done.migrated_to:
        said = gettext("Restored the {kind} database and {documents} from {archive}.")
    else:
        said = gettext("Restored the {kind} database and {documents} from {archive}, then "
                       "migrated from revision {revision} to {migrated_to}.")
    print(said.format(kind=done.kind, documents=_documents(done.documents),
                      archive=args.archive, revision=done.revision,
                      migrated_to=done.migrated_to))
    return 0


def _backup_key(args: argparse.Namespace) -> int:
    from api import clock  # noqa: PLC0415
    from api.backups import keys  # noqa: PLC0415

    text, public = keys.new_identity(now=clock.now())
    if args.output is None:
        sys.stdout.write(text)
    else:
        try:
            descriptor = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            print("oversight backup-key: " + gettext("{output} already exists.").format(
                output=args.output), file=sys.stderr)
            return 1
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(text)
    # On standard error, as age-keygen does, so the identity alone can be sent to a file.
    print(gettext("Public key: {public}").format(public=public), file=sys.stderr)
    return 0
