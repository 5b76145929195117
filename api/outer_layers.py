"""The FastAPI app with layers outside everything it builds itself, its own error handling
included: FastAPI adds middleware inside its error handler, so an answer made there (a 500,
a refusal) would otherwise miss what these layers do."""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp

Layer = Callable[[ASGIApp], ASGIApp]


class LayeredApp(FastAPI):
    """Outer layers are wrapped in the order they were added: the last added is outermost."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.outer_layers: list[Layer] = []

    def add_outer_layer(self, layer: Layer) -> None:
        self.outer_layers.append(layer)

    def build_middleware_stack(self) -> ASGIApp:
        app = super().build_middleware_stack()
        for layer in self.outer_layers:
            app = layer(app)
        return app
