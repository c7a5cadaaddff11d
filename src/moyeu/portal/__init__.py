"""The customers' own portal: their tickets, quotes, orders, invoices and contracts."""
