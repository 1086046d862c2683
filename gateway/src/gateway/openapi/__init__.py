"""The merged OpenAPI document: the gateway's own API and every service's."""
