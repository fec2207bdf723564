"""Benchmarks of the COE pipeline (not tests): `make bench`."""
