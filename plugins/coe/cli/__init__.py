"""The `coe` command line: a thin adapter over the core."""
