"""The SQLite index: built from a checked dataset, atomically, and rebuilt when the files change.

Imports the dataset and the shared leaves, never the engine.
"""
