"""The command line (`python -m bot …`): ask, validate, index, pictures, and the moderators' commands."""
from bot.cli.main import main

__all__ = ["main"]
