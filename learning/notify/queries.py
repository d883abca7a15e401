"""The hot reads of notices, tuned: each returns what its name says, and the rest never
sees how it is built."""

from peewee import Value

from learning.chat.models import ChatAccount
from learning.notify.models import CONNECTED, MutedChannel
from learning.speed import built_once


@built_once
def muted_channels(person_id, kind):
    """The channels the person turned `kind` off on, and CONNECTED if they have a chat account
    (Slack or Teams): what a notice needs to know, in one query."""
    muted = MutedChannel.select(MutedChannel.channel).where(
        MutedChannel.person == person_id, MutedChannel.kind == kind
    )
    chat = ChatAccount.select(Value(CONNECTED)).where(ChatAccount.person == person_id).limit(1)
    return (muted | chat).tuples()
