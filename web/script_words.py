"""The words the pages' scripts show (web/static/js), in the reader's language. The content
security policy runs no script written into a page, so each page hands its scripts these words
as data: a JSON block (#script-words) keyed by the English, which a script shows when the block
or a message is missing. "{name}" in a message is filled in by the script."""

from functools import lru_cache

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from api.i18n.catalogs import N_, current, gettext

SCRIPT_WORDS = (
    N_("1 meeting"),
    N_("1 meeting has not been sent yet and will be lost. Sign out anyway?"),
    N_("1 meeting needs your attention: it was not sent."),
    N_("A meeting needs someone who was there or a summary: tick who you met, or write what "
       "happened."),
    N_("At most {most} characters; this has {has}."),
    N_("Could not sign in. Try again."),
    N_("Could not sign out ({status}). Reload the page and try again."),
    N_("Discard this meeting"),
    N_("Discard this meeting? It was never saved, and will be gone."),
    N_("Not saved yet."),
    N_("Not saved yet: correct what is marked."),
    N_("Offline, and nobody this device has seen matches."),
    N_("Offline: from those this device has seen."),
    N_("Open Log a meeting to sign in and send them"),
    N_("Open it"),
    N_("Open the first"),
    N_("Open the meeting"),
    N_("Problem:"),
    N_("Sign in again"),
    N_("Signing out needs a connection. Nothing was changed: try again once you are back online."),
    N_("Stance of {name} after the meeting"),
    N_("Stance: no change"),
    N_("Stances after the meeting"),
    N_("Task {number}"),
    N_("That is another account. Sign out, then sign in as yourself."),
    N_("That is the most follow-ups one meeting can have."),
    N_("The server could not be reached. Check your connection and try again."),
    N_("The server could not be reached. Try again when the connection is back."),
    N_("The server did not save this meeting."),
    N_("The server refused this meeting ({status})."),
    N_("The server refused this meeting."),
    N_("The server took too long to answer. Try again."),
    N_("This meeting waits on this device to be sent. Save it to send it now, or discard it."),
    N_("This meeting was not sent. Correct it and save it, or discard it."),
    N_("Who was there"),
    N_("it goes as soon as the connection is back"),
    N_("sign in again to send"),
    N_("your session ended"),
    N_("{count} meetings"),
    N_("{count} meetings have not been sent yet and will be lost. Sign out anyway?"),
    N_("{count} meetings need your attention: they were not sent."),
    N_("{meetings} sent."),
    N_("{meetings} waiting to send."),
    N_("{meetings} waiting to send: {why}."),
)


def script_words() -> dict[str, str]:
    """The scripts' messages that read differently in the page's language (none in English)."""
    found = {}
    for english in SCRIPT_WORDS:
        said = gettext(english)
        if said != english:
            found[english] = said
    return found


@lru_cache(maxsize=16)
def _block_in(language: str) -> Markup:
    return htmlsafe_json_dumps(script_words(), sort_keys=True)


def script_words_block() -> Markup:
    """The #script-words block's JSON, made once per language: every page has the same."""
    return _block_in(current())
