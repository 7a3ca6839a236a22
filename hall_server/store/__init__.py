"""All SQL lives in this package (sqlite-utils, WAL, one writer)."""
from hall_server.store.db import Store, Tx, storage_error

__all__ = ["Store", "Tx", "storage_error"]
