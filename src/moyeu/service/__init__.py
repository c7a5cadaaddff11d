"""Tickets, queues, SLA policies, channels (e-mail, chat) and knowledge."""
