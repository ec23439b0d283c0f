"""OAuth 2 for third-party apps and TVs: authorization code + PKCE, device authorization,
rotating refresh tokens, revocation and discovery, on Authlib's server grants."""
