"""Reactions to other apps' signals, connected in MembershipConfig.ready()."""

from masthead.membership import services


def on_reader_deleting(sender, reader, **kwargs) -> None:
    services.reader_revenue_detach(reader=reader)
