// Revoked sign-ins, refused at the router: an access token is a JWT the router verifies by
// itself, so revoking one (RFC 7009, a reused refresh token's family, a password change, an
// account deletion) only takes effect if someone looks. The users service writes, with TTLs
// as long as a token lives (subgraphs/users/oauth/adapters/state.py):
//   oauth:revoked:<jti>       this token is revoked
//   oauth:signed-out:<sub>    tokens of this user issued before this Unix second are revoked
// One MGET per request; answers are remembered for a moment so a busy client costs one lookup
// per CACHE_MS, which is also how late a revocation can take effect.
import { GraphQLError } from 'graphql';
import { Redis } from 'ioredis';

const CACHE_MS = 1000;
const CACHE_MAX = 10_000;

export interface RevocationCheck {
  /** An error to answer with when the token is revoked, else undefined. */
  check(payload: unknown): Promise<GraphQLError | undefined>;
}

function revokedError(): GraphQLError {
  return new GraphQLError('This sign-in has been revoked; sign in again.', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

export function revocationCheck(redisUrl: string | undefined, prefix = 'oauth'): RevocationCheck {
  if (!redisUrl) {
    console.warn('[router] REDIS_URL is not set: revoked access tokens are not refused');
    return { check: async () => undefined };
  }
  // Fail fast rather than queue: a Redis outage must not stall every signed-in request.
  const redis = new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 500,
    lazyConnect: false,
  });
  let warned = 0;
  redis.on('error', (error: Error) => {
    // ioredis reconnects by itself; say so at most once a minute.
    if (Date.now() - warned > 60_000) {
      warned = Date.now();
      console.warn(`[router] revocation store unavailable: ${error.message}`);
    }
  });
  const seen = new Map<string, { revoked: boolean; at: number }>();

  return {
    async check(payload: unknown) {
      if (!payload || typeof payload !== 'object') return undefined;
      const { jti, sub, iat } = payload as { jti?: unknown; sub?: unknown; iat?: unknown };
      if (typeof jti !== 'string' || typeof sub !== 'string') return undefined;
      const now = Date.now();
      const cached = seen.get(jti);
      if (cached && now - cached.at < CACHE_MS) return cached.revoked ? revokedError() : undefined;
      let revoked: boolean;
      try {
        const [byId, signedOut] = await redis.mget(`${prefix}:revoked:${jti}`,
                                                   `${prefix}:signed-out:${sub}`);
        revoked = byId != null ||
          (signedOut != null && typeof iat === 'number' && iat < Number(signedOut));
      } catch {
        // Availability over strictness while Redis is away: tokens still expire within the
        // hour, and refresh tokens (checked by the users service) are not renewed.
        return undefined;
      }
      if (seen.size >= CACHE_MAX) seen.clear();
      seen.set(jti, { revoked, at: now });
      return revoked ? revokedError() : undefined;
    },
  };
}
