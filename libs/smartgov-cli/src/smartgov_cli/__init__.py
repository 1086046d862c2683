"""The `smartgov` command."""
