"""Forwarding requests to the upstream services."""
