"""Transfer loaders, one module per export format, all registered in ``LOADERS`` (see ``base``)."""

from geobuk.trace.loaders import bitcoin_etl, ethereum_etl, generic_csv  # noqa: F401
from geobuk.trace.loaders.base import LOADERS, LoadBatch, TransferLoader

__all__ = ["LOADERS", "LoadBatch", "TransferLoader"]
