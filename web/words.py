"""How a stored choice reads on a page: its value with spaces for underscores, save the few
whose words need capitals, hyphens or an apostrophe."""

from typing import Any

WORDS = {
    "ban_alpr": "ban ALPR",
    "end_ice_sharing": "end ICE sharing",
    "co_lead": "co-lead",
    "sheriffs_office": "sheriff's office",
    "city_managers_office": "city manager's office",
    "op_ed": "op-ed",
    "call_in_day": "call-in day",
    "teach_in": "teach-in",
    "in_app": "in-app",
}


def humanize(value: Any) -> str:
    text = str(getattr(value, "value", value))
    return WORDS.get(text, text.replace("_", " "))


# A stance chosen in a form, in the words of the whip board's columns ("Yes", "No", "Not
# known") beside the stored ones seen in histories ("champion", "opposed").
STANCE_WORDS = {"champion": "yes (champion)", "opposed": "no (opposed)", "unknown": "not known"}


def stance_words(level: Any) -> str:
    text = str(getattr(level, "value", level))
    return STANCE_WORDS.get(text, humanize(text))
