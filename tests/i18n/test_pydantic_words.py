"""pydantic's own kinds of refusal, the common ones each said in plain words a reader can act
on, in Spanish as in English; the generic line is left for the rare rest."""

from datetime import date, time
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import pytest
from pydantic import (
    AnyHttpUrl,
    BaseModel,
    Field,
    FutureDate,
    PastDate,
    StringConstraints,
    ValidationError,
)

from api.i18n.catalogs import gettext, use_locale
from api.i18n.validation_words import OWN_WORDS, words_for


class Sample(BaseModel):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = "CA"
    starts: time = time(9)
    link: AnyHttpUrl | None = None
    ref: UUID | None = None
    amount: Annotated[Decimal, Field(max_digits=6, decimal_places=2)] = Decimal(0)
    step: Annotated[int, Field(multiple_of=5)] = 0
    born: PastDate = date(2000, 1, 1)
    due: FutureDate = date(2999, 1, 1)


CASES: list[tuple[dict[str, Any], str, str]] = [
    ({"code": "c1"}, "string_pattern_mismatch", "revise si hay errores"),
    ({"starts": "later"}, "time_parsing", "Escriba una hora"),
    ({"link": "not a link"}, "url_parsing", "dirección web completa"),
    ({"ref": "12"}, "uuid_parsing", "identificador"),
    ({"amount": "12.345"}, "decimal_max_places", "2 dígitos después del punto decimal"),
    ({"amount": "123456"}, "decimal_whole_digits", "4 dígitos antes del punto decimal"),
    ({"step": 7}, "multiple_of", "múltiplo de 5"),
    ({"born": "2999-01-01"}, "date_past", "fecha pasada"),
    ({"due": "2000-01-01"}, "date_future", "fecha futura"),
]


def _error(values: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(ValidationError) as caught:
        Sample.model_validate(values)
    return dict(caught.value.errors()[0])


@pytest.mark.parametrize(("values", "kind", "spanish"), CASES)
def test_a_common_refusal_is_said_plainly_in_spanish(values: dict[str, Any], kind: str,
                                                     spanish: str) -> None:
    error = _error(values)
    assert error["type"] == kind
    with use_locale("es"):
        said = words_for(error)
        assert spanish in said
        assert said != gettext(OWN_WORDS)
    english = words_for(error)
    assert english != said and english != OWN_WORDS
