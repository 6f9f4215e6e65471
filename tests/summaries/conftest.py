from tests.summaries.indexing import publish

__all__ = ["publish"]
