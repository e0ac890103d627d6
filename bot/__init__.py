"""Answers questions about international responses to the Uyghur crisis from a cited dataset."""

__version__ = "0.1.0"
