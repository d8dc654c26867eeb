"""站内消息: every person reached has the message in the platform's inbox, always."""

from . import ChannelSpec

CHANNEL = ChannelSpec(label="站内消息")
