"""The whip count as HTML: a bar of one cell per member from with us to against us, with the
majority line marked, and the same numbers in words so colour is never the only signal.

Counts speak in the campaign's terms: "with us" is whatever the coalition wants of the item (a
no, when it fights a renewal); the literal yes and no are the roll call's only. Written in
Python rather than as template macros: a dashboard draws a bar a vote, and each sentence said
through Jinja's translation calls cost more than the bar.
"""

from markupsafe import Markup, escape

from api.i18n.catalogs import gettext, ngettext
from api.votes.models import OurPosition
from api.whip.service import Count


def _lead(position: str) -> str:
    """The words before the count, by what the coalition wants of the item."""
    if position == OurPosition.support.value:
        return gettext("To pass it:") + " "
    if position == OurPosition.block.value:
        return gettext("To block it:") + " "
    if position == OurPosition.amend.value:
        return gettext("For our amendment:") + " "
    return ""


def _said(words: str, **values: object) -> Markup:
    """Words already in the reader's language, with the values put in, escaped."""
    return escape(words) % values


def verdict(count: Count) -> Markup:
    if count.outcome in ("passed", "failed"):
        said = escape(gettext("It passed") if count.outcome == "passed"
                      else gettext("It failed"))
        if count.won is True:
            return said + Markup(": ") + escape(gettext("a win for us"))
        if count.won is False:
            return said + Markup(": ") + escape(gettext("a loss for us"))
        return said
    if count.position == OurPosition.watch.value:
        # No position taken: nothing to win or lose, so no count toward either.
        if count.needed:
            return _said(gettext("Watching only, no position taken: %(needed)s yes votes pass "
                                 "it"), needed=count.needed)
        return escape(gettext("Watching only, no position taken"))
    if count.goal is None:
        return _said(gettext("%(likely)s likely with us; no majority recorded for this body"),
                     likely=count.likely_yes)
    lead = escape(_lead(count.position))
    blocking = count.position == OurPosition.block.value
    if count.short == 0:
        if blocking:
            return lead + _said(gettext("%(likely)s likely with us of %(goal)s needed: enough "
                                        "to block it"), likely=count.likely_yes, goal=count.goal)
        return lead + _said(gettext("%(likely)s likely with us of %(goal)s needed: enough to "
                                    "win"), likely=count.likely_yes, goal=count.goal)
    short = count.short or 0
    if blocking:
        words = ngettext("%(likely)s likely with us of %(goal)s needed: %(short)s more to "
                         "block it",
                         "%(likely)s likely with us of %(goal)s needed: %(short)s more to "
                         "block it", short)
    else:
        words = ngettext("%(likely)s likely with us of %(goal)s needed: %(short)s more to win",
                         "%(likely)s likely with us of %(goal)s needed: %(short)s more to win",
                         short)
    return lead + escape(words) % {"likely": count.likely_yes, "goal": count.goal,
                                   "short": short}


def summary(count: Count) -> Markup:
    """Each count agrees with its own number: "1 inclinado a favor", "2 inclinados a favor"."""
    levels = count.levels
    with_us, leaning = levels.get("champion", 0), levels.get("leaning_yes", 0)
    unsure = levels.get("undecided", 0) + levels.get("unknown", 0)
    leaning_no, against = levels.get("leaning_no", 0), levels.get("opposed", 0)
    return escape(", ".join((
        ngettext("%(num)d with us", "%(num)d with us", with_us) % {"num": with_us},
        ngettext("%(num)d leaning with us", "%(num)d leaning with us", leaning)
        % {"num": leaning},
        ngettext("%(num)d undecided or not known", "%(num)d undecided or not known", unsure)
        % {"num": unsure},
        ngettext("%(num)d leaning against", "%(num)d leaning against", leaning_no)
        % {"num": leaning_no},
        ngettext("%(num)d against us", "%(num)d against us", against) % {"num": against})))


def bar(count: Count, id: str = "") -> Markup:  # noqa: A002 - the element's id, as in HTML
    cells = Markup("").join(Markup('<span class="cell %s"></span>') % drawn
                            for drawn in count.cell_classes())
    drawn = (Markup('\n  <div class="whip-bar" aria-hidden="true">%s\n  </div>') % cells
             if count.members else Markup(""))
    opened = Markup('<div class="whip" id="%s">') % id if id else Markup('<div class="whip">')
    return (opened + drawn
            + Markup('\n  <p class="whip-text"><strong class="verdict%s">%s</strong><br>'
                     '<span class="muted">%s</span></p>\n</div>')
            % (" winning" if count.short == 0 else "", verdict(count), summary(count)))
