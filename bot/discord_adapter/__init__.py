"""Everything Discord-shaped: the client, endpoints, checks, sending and errors, the page views,
answer and moderation pages, and the record form. With commands/, the only importer of discord.
"""
