"""The answer engine: the snapshot of one index build, names and words, the interpretation of a
question, its SQL filters, and the cited Answer with its plain-text rendering.

`bot.engine.engine.Engine` is the one entry point the CLI, the tests and the Discord commands share.
Imports the index, the dataset and the shared leaves; never discord, never the pictures.
"""
