"""Prompt templates as versioned data files, one per task."""
