"""Searching the library: query parsing, the in-memory vector index, relevance cut-off, ranking."""
