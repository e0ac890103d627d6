"""A local fake of Discord's HTTP API and gateway for driving a real discord.py client.

    fake = await FakeDiscord().start()
    use_endpoints(fake.api_base, fake.gateway_url)
    async with running_bot(bot, fake):
        iid = await fake.dispatch_slash("ping")
        response = await fake.wait_for_response(iid)
"""

from . import limits
from .checks import check_payloads
from .harness import running_bot
from .interactions import InteractionRecord
from .payloads import FakeChannel, FakeGuild, FakeMember, FakeRole, FakeUser, snowflake
from .server import FakeDiscord

__all__ = ["FakeDiscord", "running_bot", "InteractionRecord", "FakeChannel", "FakeGuild", "FakeMember",
           "FakeRole", "FakeUser", "snowflake", "limits", "check_payloads"]
