import uuid

from django.db import models


class HeldEvent(models.Model):
    """A live event the bus could not take when it was published (Redis away), kept until it can.

    Rows live only as long as an outage: the Redis bus sends them, oldest first, as soon as
    Redis answers again, then deletes them (docs/live.md, "Redis outages")."""

    stream = models.CharField(max_length=64)
    type = models.CharField(max_length=32)
    data = models.TextField(help_text="The event's data, as the JSON that will be sent.")
    token = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Marked in Redis as it is sent, so processes releasing at once send it once.",
    )
    held_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.type} on {self.stream}, held at {self.held_at:%Y-%m-%d %H:%M:%S}"
