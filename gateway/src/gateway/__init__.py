"""SmartGov API gateway: authentication, routing, rate limits and the merged OpenAPI."""
