"""Who is calling: OIDC bearer tokens, dev tokens, API keys."""
