"""The dataset: the model, reading YAML files with line numbers, the schema's checks, writing
records back in place, the history log, and the store every moderator's change goes through.

Imports only the shared leaves (bot.text, bot.dates, bot.config, bot.files).
"""
