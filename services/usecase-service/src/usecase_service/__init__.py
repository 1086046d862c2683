"""SmartGov use-case service."""
