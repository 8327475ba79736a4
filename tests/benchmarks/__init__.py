"""Benchmark scripts: run as modules, they print figures (not collected by pytest)."""
