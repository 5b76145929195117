"""A stance in words, said two ways: of one member ("se inclina por nosotros", whatever their
gender) and as the heading of a group of members on the whip board ("Se inclinan por nosotros").
Spanish needs the two apart where English uses the same words for both."""

from typing import Any

from api.i18n.catalogs import gettext, pgettext


def one_stance(level: Any) -> str:
    """One member's stance, as a cell in a table or a change in a history: in the campaign's
    terms, the same words the vote page and the whip board use, in every language."""
    return our_stance(level)


def our_stance(level: Any) -> str:
    """One member's stance in the campaign's terms, beside the literal yes and no of a roll
    call ("with us", whatever the coalition wants of the item)."""
    text = str(getattr(level, "value", level))
    words = {
        "champion": pgettext("one member's stance, in our terms", "with us"),
        "leaning_yes": pgettext("one member's stance, in our terms", "leaning with us"),
        "undecided": pgettext("one member's stance, in our terms", "undecided"),
        "leaning_no": pgettext("one member's stance, in our terms", "leaning against"),
        "opposed": pgettext("one member's stance, in our terms", "against us"),
        "unknown": pgettext("one member's stance, in our terms", "not known"),
    }
    return words.get(text) or gettext(text.replace("_", " "))


def group_stance(level: Any) -> str:
    """The heading over every member at one stance: a whip board column, a key to its colours."""
    text = str(getattr(level, "value", level))
    words = {
        "champion": pgettext("whip board column of members", "With us"),
        "leaning_yes": pgettext("whip board column of members", "Leaning with us"),
        "undecided": pgettext("whip board column of members", "Undecided"),
        "leaning_no": pgettext("whip board column of members", "Leaning against"),
        "opposed": pgettext("whip board column of members", "Against us"),
        "unknown": pgettext("whip board column of members", "Not known"),
    }
    return words.get(text) or gettext(text.replace("_", " ")).capitalize()
