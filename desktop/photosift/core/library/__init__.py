"""The photo library: SQLite schema and records, scanning folders, indexing photos into vectors.

This is the only subsystem that speaks SQL; search and tagging ask it through methods.
"""
