"""Benchmarks that print figures (see docs/manual/performance.md)."""
