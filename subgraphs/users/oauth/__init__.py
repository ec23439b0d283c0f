"""OAuth 2 for third-party apps and TVs: authorization code + PKCE, device authorization,
rotating refresh tokens, revocation, discovery (RFC 8414) and dynamic registration of public
clients (RFC 7591), on Authlib's server grants and endpoints."""
