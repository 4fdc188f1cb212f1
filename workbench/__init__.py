"""Workbench: a terminal analyst workbench for conflict and security news."""

__version__ = "0.1.0"
