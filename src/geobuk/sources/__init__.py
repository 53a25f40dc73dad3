"""The sources stage: log files of any supported format read into Arrow tables, one batch at a time.

Importing this package registers every built-in reader in ``READERS``; detection tries them in the
order below, most specific first (EVTX by its magic, then JSON Lines, JSON documents, CSV).
"""

# Registration order is detection order, so these imports stay in this order.
# isort: off
from geobuk.sources import evtx_reader, json_reader  # noqa: F401
from geobuk.sources import csv_reader  # noqa: F401  (last: it accepts the loosest input)
# isort: on
from geobuk.sources.base import METADATA, READERS, Event, LogReader, ReadContext
from geobuk.sources.batches import EventBatch, read_source
from geobuk.sources.inputs import Source, expand
from geobuk.sources.pipeline import DEFAULT_BATCH_SIZE, ReadProgress, iter_batches

__all__ = ["DEFAULT_BATCH_SIZE", "METADATA", "READERS", "Event", "EventBatch", "LogReader", "ReadContext",
           "ReadProgress", "Source", "expand", "iter_batches", "read_source"]
