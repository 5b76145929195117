"""The command line of backups: `oversight backup`, `oversight restore`, `oversight backup-key`."""

import argparse
import os
import sys
from pathlib import Path
from typing import Any

# Each command imports what it runs inside its own function, as in api.cli: building
# the command line loads none of them.


def add_commands(commands: Any) -> None:
    """Adds `backup`, `restore` and `backup-key` to the `oversight` command's subcommands."""
    backup = commands.add_parser("backup", help=(
        "write an encrypted archive of the database and the uploaded documents"))
    backup.add_argument("--recipient", action="append", default=[], metavar="AGE1…",
                        help="an age public key to encrypt to (repeatable; default: "
                             "OVERSIGHT_BACKUP_RECIPIENTS)")
    backup.add_argument("--output", type=Path, default=None, metavar="FILE",
                        help="where to write the archive (default: a new file in "
                             "OVERSIGHT_BACKUP_DIR)")
    backup.set_defaults(run=_backup)

    restore = commands.add_parser("restore", help=(
        "restore an encrypted archive into an empty instance"))
    restore.add_argument("archive", type=Path)
    restore.add_argument("--identity", required=True, metavar="FILE",
                         help="the age identity file holding the private key; - reads it from "
                              "standard input")
    restore.set_defaults(run=_restore)

    key = commands.add_parser("backup-key", help=(
        "make a new age key pair for backups: the private identity and its public recipient"))
    key.add_argument("--output", type=Path, default=None, metavar="FILE",
                     help="write the identity to this new file instead of standard output")
    key.set_defaults(run=_backup_key)


def _size(count: int) -> str:
    size = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{count} bytes"


def _documents(count: int) -> str:
    return f"{count} document{'' if count == 1 else 's'}"


def _backup(args: argparse.Namespace) -> int:
    from api.backups import service  # noqa: PLC0415

    made = service.make_backup(recipients=args.recipient, output=args.output)
    print(f"Backup written to {made.path} ({_size(made.size)}: the {made.kind} database at "
          f"revision {made.revision} and {_documents(made.documents)}), encrypted to "
          f"{made.recipients} recipient{'s' if made.recipients != 1 else ''}.")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from api.backups import service  # noqa: PLC0415

    done = service.restore(args.archive, identity_file=args.identity)
    migrated = "" if done.revision == done.migrated_to else \
        f", then migrated from revision {done.revision} to {done.migrated_to}"
    print(f"Restored the {done.kind} database and {_documents(done.documents)} from "
          f"{args.archive}{migrated}.")
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
            print(f"oversight backup-key: {args.output} already exists.", file=sys.stderr)
            return 1
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(text)
    # On standard error, as age-keygen does, so the identity alone can be sent to a file.
    print(f"Public key: {public}", file=sys.stderr)
    return 0
