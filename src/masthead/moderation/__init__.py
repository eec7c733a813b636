"""Moderation: the pipeline that decides each comment, its rules and scorers, and the settings."""
