"""Page dicts (answer_pages.py, moderation_pages.py) as discord.Embed objects."""
from __future__ import annotations

import discord

COLOUR = discord.Colour(0x1F6FB2)
NOTICE_COLOUR = discord.Colour(0x8A8F98)


def to_embed(page: dict, *, notice: bool = False) -> discord.Embed:
    embed = discord.Embed(title=page.get("title") or None, description=page.get("description") or None,
                          colour=NOTICE_COLOUR if notice else COLOUR)
    for f in page.get("fields") or []:
        embed.add_field(name=f["name"], value=f["value"], inline=bool(f.get("inline")))
    if page.get("footer"):
        embed.set_footer(text=page["footer"])
    return embed
