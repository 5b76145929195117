"""argparse's own words ("usage:", "the following arguments are required", "show this help
message and exit") in the command line's language.

argparse looks each of its messages up with gettext as it writes it; while the `oversight`
command reads its arguments, those lookups go to our catalog, in the language in force, so the
usage line, the help and a refusal are in the organizer's language like the rest of the
command's lines. Its messages are listed here so that the catalog holds them."""

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from api.i18n.catalogs import N_, gettext, ngettext

# As Python's argparse writes them (3.11, the version the project runs on). One it adds later
# is simply said in English until it is listed here.
WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
    N_("unexpected option string: %s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
)


def _plural_words(count: int) -> str:
    """argparse's one message with a plural, marked for the catalog as argparse asks for it."""
    return ngettext("expected %s argument", "expected %s arguments", count)


@contextmanager
def spoken() -> Iterator[None]:
    """Inside the block, argparse says its words from our catalog in the language in force.
    The parser is made inside it too: the help option's words are set when it is made."""
    # Names argparse imports for itself and its stubs leave out.
    kept = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    # argparse calls the gettext it imported by these two names, at the moment it speaks.
    setattr(argparse, "_", gettext)  # noqa: B010
    setattr(argparse, "ngettext", ngettext)  # noqa: B010
    try:
        yield
    finally:
        setattr(argparse, "_", kept[0])  # noqa: B010
        setattr(argparse, "ngettext", kept[1])  # noqa: B010
