"""Shared pieces of the system tests: a real platform, fault helpers and polling."""
