"""A field's label is declared with the field, in its concept's models: the form, the history
and the error messages say it from there, and the catalog takes it from there."""

from pydantic import BaseModel, Field

from api.contracts.models import ContractCreate
from web.concepts import LABELS, label_for
from web.forms import declared_labels, infer, label_from_name


def test_a_label_declared_with_its_field_is_the_one_every_page_says() -> None:
    class Counted(BaseModel):
        cameras_seen_counted: int | None = Field(default=None, title="Cameras on the poles")

    assert label_for("cameras_seen_counted") == "Cameras seen counted"
    assert label_from_name("cameras_seen_counted") == "Cameras seen counted"
    assert infer(Counted, "cameras_seen_counted").label == "Cameras on the poles"
    assert declared_labels([Counted]) == {"cameras_seen_counted": "Cameras on the poles"}


def test_a_concept_field_says_the_label_its_model_declares() -> None:
    assert ContractCreate.model_fields["camera_count"].title == "Camera count"
    assert infer(ContractCreate, "camera_count").label == "Camera count"
    assert label_for("camera_count") == "Camera count"
    assert LABELS["camera_count"] == "Camera count"
