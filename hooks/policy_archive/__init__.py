"""Publish every past version of policy pages from git history."""

from __future__ import annotations

__version__ = "0.1.0"
