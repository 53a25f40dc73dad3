"""Vet's input readers; importing this package registers the built-in ones."""

from geobuk.vet.readers import devices, people, signins  # noqa: F401  (registration)
from geobuk.vet.readers.base import KINDS, READERS, VetReader, read_all, reader_for, schema

__all__ = ["KINDS", "READERS", "VetReader", "read_all", "reader_for", "schema"]
