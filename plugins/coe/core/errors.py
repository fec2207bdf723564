"""Exceptions for problems with the tool's set-up, as opposed to findings about COEs."""


class ConfigError(Exception):
    """The configuration, the schema or the command line cannot be used as given."""
