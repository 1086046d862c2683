"""What happens at the edge, before a request reaches a service or the gateway's own API."""
