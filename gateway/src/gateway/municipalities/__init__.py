"""Municipalities (tenants): registered here, announced to every service as events."""
