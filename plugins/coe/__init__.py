"""Correction-of-Error documents as code: validate, lint, cross-link and publish COEs."""

__version__ = "0.1.0"
