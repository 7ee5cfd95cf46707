"""Prometheus metrics of one app: messages in/out by channel, replies by intent, handling latency.

Each app owns its registry, so several apps (tests, workers) never collide on metric names.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.messages_in = Counter(
            "aman_messages_in", "Messages received", ["channel"], registry=self.registry
        )
        self.messages_out = Counter(
            "aman_messages_out", "Messages sent or queued", ["channel"], registry=self.registry
        )
        self.replies_by_intent = Counter(
            "aman_replies_by_intent",
            "Replies, by the intent they answered",
            ["intent"],
            registry=self.registry,
        )
        self.escalations = Counter(
            "aman_escalations",
            "Cases opened or raised, by priority",
            ["priority"],
            registry=self.registry,
        )
        self.handle_seconds = Histogram(
            "aman_handle_seconds",
            "Time to handle one inbound message",
            ["channel"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
