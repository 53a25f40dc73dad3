"""Vet's output formats; importing this package registers the built-in ones."""

from geobuk.vet.outputs import html, jsonl, table  # noqa: F401  (registration)
from geobuk.vet.outputs.base import OUTPUTS, VetOutput

__all__ = ["OUTPUTS", "VetOutput"]
