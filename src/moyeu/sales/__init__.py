"""Leads, opportunities and pipelines, products and price lists, quotes and orders."""
