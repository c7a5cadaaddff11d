"""Delivery of the transactional outbox to in-process consumers.

Services write ``core.OutboxEvent`` rows in the transaction of the change
(:func:`moyeu.core.services.events.emit`). The dispatcher, running inside a worker process
under a lease so that only one runs at a time, delivers committed events in ``seq`` order to
the consumers registered with :func:`moyeu.core.outbox.registry.consumer`, at least once, in
order per record. See docs/decisions/0005-transactional-outbox.md.
"""
