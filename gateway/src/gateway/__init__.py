"""SmartGov API gateway: one door with authentication, routing, rate limits and the merged OpenAPI."""
