// Hive Gateway configuration for the Media Gateway router.
// Started by `npm start` (= `hive-gateway supergraph --config-path gateway.config.ts`).
// See README.md for the env vars and the identity-forwarding contract.
import { createHmac } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createRemoteJwksSigningKeyProvider,
  defineConfig,
  useJWT,
  type GatewayPlugin,
  type JWTAuthPluginOptions,
} from '@graphql-hive/gateway';
import { unifiedGraphHandler, useQueryPlan } from '@graphql-hive/router-runtime';
import { getOperationAST, GraphQLError, Kind, parse, type ValidationRule } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import { operationCost } from './cost.ts';
import { playgroundOptions } from './examples.ts';
import { revocationCheck } from './revocation.ts';
import { setupTracing, TRACE_OPTIONS } from './tracing.ts';

const env = process.env;
const here = dirname(fileURLToPath(import.meta.url));
// Before the gateway builds its plugins: the tracer provider must exist when they start.
const TRACING = setupTracing(env);

function intFromEnv(name: string, fallback: number): number {
  const raw = env[name];
  if (raw == null || raw === '') return fallback;
  const n = Number.parseInt(raw, 10);
  if (!Number.isFinite(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return n;
}

// ---------------------------------------------------------------------------
// Subgraphs. The committed supergraph carries the default URLs; any of these
// env vars overrides the routing URL at runtime (transportEntries.location).
// Keep in sync with compose.mjs (SUBGRAPHS).
// ---------------------------------------------------------------------------
const SUBGRAPH_URL_ENV: Record<string, string> = {
  content: 'CONTENT_URL',
  users: 'USERS_URL',
  recommendations: 'RECOMMENDATIONS_URL',
  playback: 'PLAYBACK_URL',
};

const SUPERGRAPH = env.MG_SUPERGRAPH
  ? resolve(env.MG_SUPERGRAPH)
  : resolve(here, env.MG_SCHEMA_DIR || '../schema', 'supergraph.graphql');

const JWKS_URL = env.USERS_JWKS_URL || 'http://127.0.0.1:4002/.well-known/jwks.json';
const JWT_ISSUER = env.JWT_ISSUER || 'media-gateway';
const JWT_AUDIENCE = env.JWT_AUDIENCE || 'media-gateway';
const ROUTER_SECRET = env.MG_ROUTER_SECRET || '';
const DEDUPE = env.ROUTER_DEDUPE !== '0';
// Debug aid: ROUTER_EXPOSE_QUERY_PLAN=1 adds the Rust planner's plan to `extensions.queryPlan`.
const EXPOSE_QUERY_PLAN = env.ROUTER_EXPOSE_QUERY_PLAN === '1';

const MAX_DEPTH = intFromEnv('ROUTER_MAX_DEPTH', 12);
const MAX_TOKENS = intFromEnv('ROUTER_MAX_TOKENS', 3000);
const MAX_ALIASES = intFromEnv('ROUTER_MAX_ALIASES', 30);
// Demand control: the estimated cost of the whole federated operation (every subgraph's part,
// page arguments read from the variables), from the @listSize the subgraphs declare.
const MAX_COST = intFromEnv('ROUTER_MAX_COST', 5000);
// Lists that declare no size (a subgraph without @listSize, federation's _entities) count as this.
const ASSUMED_LIST_SIZE = intFromEnv('ROUTER_ASSUMED_LIST_SIZE', 10);
// Page sizes of the subgraphs' connections (subgraphs/common/pagination.py): an absent `first`
// is the default page, and no page is priced above the largest one a subgraph serves.
const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;
// A subgraph that does not answer within this is left out: the rest of the answer comes back
// with an error naming the missing part.
const UPSTREAM_TIMEOUT_MS = intFromEnv('ROUTER_UPSTREAM_TIMEOUT_MS', 5000);
const MAX_BODY_BYTES = intFromEnv('ROUTER_MAX_BODY_BYTES', 256 * 1024);
// Browser origins allowed to call with credentials; none by default (comma-separated list).
// The header a GET or a form-encoded POST must carry (CSRF prevention).
const CSRF_HEADER = 'x-graphql-csrf';
const CORS_ORIGINS = (env.ROUTER_CORS_ORIGINS || '')
  .split(',')
  .map((origin) => origin.trim())
  .filter(Boolean);

// Names of the identity headers sent to the subgraphs.
const CLAIMS_HEADER = 'x-mg-claims';
// HMAC-SHA256 (key MG_ROUTER_SECRET) of `${signedAt}\n${claims}\n${clientIp}`: the subgraphs
// trust the identity headers only with it (subgraphs/common/auth.py), and the key never travels.
const SIGNATURE_HEADER = 'x-mg-signature';
const SIGNED_AT_HEADER = 'x-mg-signed-at';
// The caller's address, so subgraphs rate-limit per client rather than per router.
const CLIENT_IP_HEADER = 'x-mg-client-ip';
// Context fields holding the per-request identity (never client controlled:
// they are only ever written by useIdentityForwarding below).
const CTX_CLAIMS = 'mgClaimsHeader';
const CTX_SIGNATURE = 'mgSignatureHeader';
const CTX_SIGNED_AT = 'mgSignedAtHeader';
// Websockets sign with `ws` for the time: the router keeps one upstream socket per identity
// for many subscriptions, and a socket's identity ends with its token (the subgraphs end it).
const CTX_WS_SIGNATURE = 'mgWsSignatureHeader';
const CTX_CLIENT_IP = 'mgClientIpHeader';

if (!ROUTER_SECRET) {
  // Not fatal (local dev), but subgraphs will reject forwarded identities.
  console.warn('[router] MG_ROUTER_SECRET is not set; subgraphs will not trust forwarded identities');
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------
function unauthenticated(message = 'Unauthenticated'): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

/** Map errors raised by the JWT plugin to GraphQL errors with extensions.code. */
function toAuthError(err: unknown): unknown {
  if (err instanceof GraphQLError) {
    if (err.extensions?.code) return err;
    // jwt plugin: "Unauthenticated" (401), "Invalid authentication token provided" (400), ...
    return unauthenticated(err.message === 'Unauthenticated' ? 'Invalid or expired token' : err.message);
  }
  if (err instanceof Error && /Authentication is not available/i.test(err.message)) {
    // No signing key for the token's kid (unknown kid, or JWKS unreachable).
    return unauthenticated('Invalid token: signing key not found');
  }
  return err;
}

type AnyHook = (...args: any[]) => any;
function wrapHook(hook: AnyHook | undefined): AnyHook | undefined {
  if (!hook) return hook;
  return function wrapped(this: unknown, ...args: any[]) {
    let out: any;
    try {
      out = hook.apply(this, args);
    } catch (err) {
      throw toAuthError(err);
    }
    if (out && typeof out.then === 'function') {
      return out.then(undefined, (err: unknown) => {
        throw toAuthError(err);
      });
    }
    return out;
  };
}

/**
 * The builtin `jwt` option installs @graphql-mesh/plugin-jwt-auth, which adds
 * @graphql-yoga/plugin-jwt via addPlugin(). That plugin throws errors without
 * `extensions.code`; this wrapper intercepts the inner plugin's request/context
 * hooks and rethrows with code UNAUTHENTICATED.
 */
function withAuthErrorCodes(plugin: any): any {
  const origInit = plugin.onPluginInit;
  return {
    ...plugin,
    onPluginInit(payload: any) {
      return origInit?.({
        ...payload,
        addPlugin(inner: any) {
          payload.addPlugin({
            ...inner,
            onRequestParse: wrapHook(inner.onRequestParse),
            onContextBuilding: wrapHook(inner.onContextBuilding),
          });
        },
      });
    },
  };
}

// ---------------------------------------------------------------------------
// Token lookup: HTTP `Authorization: Bearer <jwt>` header, or for websocket
// subscriptions the connection_init payload `{"Authorization": "Bearer <jwt>"}`
// (also accepts lowercase `authorization`, and a bare token without "Bearer").
// ---------------------------------------------------------------------------
function parseBearer(value: unknown): { prefix: string | undefined; token: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const parts = trimmed.split(/\s+/);
  if (parts.length === 1) return { prefix: undefined, token: parts[0]! };
  if (parts.length === 2 && parts[0]!.toLowerCase() === 'bearer') {
    return { prefix: 'Bearer', token: parts[1]! };
  }
  throw unauthenticated('Malformed Authorization header; expected "Bearer <token>"');
}

function lookupFromConnectionParams({ serverContext }: any) {
  const params = serverContext?.connectionParams;
  if (params && typeof params === 'object') {
    return parseBearer(params.Authorization ?? params.authorization);
  }
  return undefined;
}

function lookupFromHeader({ request }: any) {
  return parseBearer(request?.headers?.get('authorization') ?? undefined);
}

// ---------------------------------------------------------------------------
// Identity forwarding. Runs right before every subgraph call (HTTP query /
// mutation fetches and websocket subscriptions alike) and stores the header
// values in the GraphQL context; transportEntries below interpolate them into
// the HTTP headers, the ws upgrade headers and the ws connection_init payload.
// Empty interpolations are dropped, so anonymous requests carry no x-mg-claims; the signature
// and the client address go with every request.
// ---------------------------------------------------------------------------
/** base64url WITH '=' padding (Python's base64.urlsafe_b64decode requires it). */
function base64url(input: string): string {
  return Buffer.from(input, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

function clientAddress(context: any): string {
  const address = context.req?.socket?.remoteAddress ?? context.request?.socket?.remoteAddress;
  return typeof address === 'string' ? address.replace(/^::ffff:/, '') : '';
}

function sign(signedAt: string, claims: string, clientIp: string): string {
  if (!ROUTER_SECRET) return '';
  return createHmac('sha256', ROUTER_SECRET).update(`${signedAt}\n${claims}\n${clientIp}`).digest('base64url');
}

function useIdentityForwarding(): GatewayPlugin {
  return {
    onSubgraphExecute({ executionRequest }) {
      const context: any = executionRequest.context;
      if (!context) return;
      const payload = context.jwt?.payload;
      if (context[CTX_CLAIMS] === undefined) {
        const claims = payload && typeof payload === 'object' ? base64url(JSON.stringify(payload)) : '';
        const clientIp = clientAddress(context);
        const signedAt = String(Math.floor(Date.now() / 1000));
        context[CTX_CLAIMS] = claims;
        context[CTX_CLIENT_IP] = clientIp;
        context[CTX_SIGNED_AT] = signedAt;
        context[CTX_SIGNATURE] = sign(signedAt, claims, clientIp);
        context[CTX_WS_SIGNATURE] = sign('ws', claims, clientIp);
      }
    },
    // Defence in depth: nothing but the interpolated values above may reach a
    // subgraph as x-mg-* (the gateway does not propagate client headers, but
    // make sure it stays that way if header propagation is ever enabled).
    onFetch({ options, executionRequest }) {
      const headers = options.headers as Record<string, string> | undefined;
      if (!headers || !executionRequest) return;
      const ctx: any = executionRequest.context || {};
      for (const name of Object.keys(headers)) {
        const lower = name.toLowerCase();
        if (!lower.startsWith('x-mg-')) continue;
        const allowed =
          (lower === CLAIMS_HEADER && ctx[CTX_CLAIMS] && headers[name] === ctx[CTX_CLAIMS]) ||
          (lower === SIGNATURE_HEADER && ctx[CTX_SIGNATURE] &&
            (headers[name] === ctx[CTX_SIGNATURE] || headers[name] === ctx[CTX_WS_SIGNATURE])) ||
          (lower === SIGNED_AT_HEADER && ctx[CTX_SIGNED_AT] && headers[name] === ctx[CTX_SIGNED_AT]) ||
          (lower === CLIENT_IP_HEADER && ctx[CTX_CLIENT_IP] && headers[name] === ctx[CTX_CLIENT_IP]);
        if (!allowed) delete headers[name];
      }
    },
  };
}

// ---------------------------------------------------------------------------
// Max aliases (graphql-armor's max-aliases plugin is not bundled with the gateway).
// ---------------------------------------------------------------------------
function maxAliasesRule(max: number): ValidationRule {
  return (context) => {
    let count = 0;
    let reported = false;
    return {
      [Kind.FIELD](node) {
        if (node.alias && !reported && ++count > max) {
          reported = true;
          context.reportError(
            new GraphQLError(`Aliases limit of ${max} exceeded.`, {
              nodes: [node],
              extensions: { code: 'ALIAS_LIMIT_EXCEEDED' },
            }),
          );
        }
      },
    };
  };
}

// ---------------------------------------------------------------------------
// Every error the client sees carries extensions.code. graphql-armor's depth /
// token limits and plain validation errors come without one.
// ---------------------------------------------------------------------------
function limitCodeFor(err: any): string | undefined {
  const msg: string = err?.message ?? '';
  if (/depth limit of \d+ exceeded/i.test(msg)) return 'DEPTH_LIMIT_EXCEEDED';
  if (/token limit of \d+ exceeded/i.test(msg)) return 'TOKEN_LIMIT_EXCEEDED';
  if (/aliases limit of \d+ exceeded/i.test(msg)) return 'ALIAS_LIMIT_EXCEEDED';
  return undefined;
}

function codeFor(err: any): string {
  const msg: string = err?.message ?? '';
  const limit = limitCodeFor(err);
  if (limit) return limit;
  if (msg.startsWith('Syntax Error')) return 'GRAPHQL_PARSE_FAILED';
  // Variable coercion (wrong type, missing variable, unknown enum value): the caller's mistake.
  if (/^Variable "\$[^"]*" /.test(msg)) return 'BAD_USER_INPUT';
  const status = err?.extensions?.http?.status;
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (typeof status === 'number' && status >= 400 && status < 500) return 'BAD_REQUEST';
  return 'INTERNAL_SERVER_ERROR';
}

// Inputs are echoed at most this long (a quoted value in a message, or a detail's value).
const MAX_ECHO = 100;
const QUOTED = /"((?:[^"\\]|\\.){101,})"|'([^']{101,})'/g;

function shorten(message: string): string {
  const quoted = message.replace(QUOTED, (whole, double, single) => {
    const text: string = double ?? single;
    const mark = whole[0];
    return `${mark}${text.slice(0, MAX_ECHO)}…${mark}`;
  });
  return quoted.length > 4 * MAX_ECHO ? `${quoted.slice(0, 4 * MAX_ECHO)}…` : quoted;
}

// What reaches a client of an error: no subgraph names, no upstream requests, no Node errors.
const INTERNAL_EXTENSIONS = ['serviceName', 'request', 'response', 'originalError', 'stacktrace', 'exception'];

/** The fields an upstream request would have returned (`Title.similar`, `Query.me`). */
function missingParts(body: unknown): string[] {
  if (typeof body !== 'string') return [];
  try {
    const request = JSON.parse(body);
    const document = parse(String(request.query ?? ''), { noLocation: true });
    const parts = new Set<string>();
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      const root = definition.operation === 'mutation' ? 'Mutation' : 'Query';
      for (const selection of definition.selectionSet.selections) {
        if (selection.kind !== Kind.FIELD) continue;
        if (selection.name.value !== '_entities') {
          parts.add(`${root}.${selection.name.value}`);
          continue;
        }
        for (const inner of selection.selectionSet?.selections ?? []) {
          if (inner.kind !== Kind.INLINE_FRAGMENT) continue;
          const type = inner.typeCondition?.name.value ?? '?';
          for (const field of inner.selectionSet.selections) {
            if (field.kind === Kind.FIELD && !field.name.value.startsWith('__')) {
              parts.add(`${type}.${field.name.value}`);
            }
          }
        }
      }
    }
    return [...parts];
  } catch {
    return [];
  }
}

/** An upstream that did not answer (timeout, refused connection, dropped socket). */
function isUpstreamFailure(e: any): boolean {
  const ext = e?.extensions ?? {};
  return ext.request !== undefined || ext.code === 'GATEWAY_TIMEOUT' ||
    ext.code === 'DOWNSTREAM_SERVICE_ERROR' || /^fetch failed|ECONNREFUSED|ECONNRESET|socket hang up/i.test(e?.message ?? '');
}

function upstreamError(e: any, hasData: boolean): GraphQLError {
  const timedOut = e?.extensions?.code === 'GATEWAY_TIMEOUT' || /timeout|timed out/i.test(e?.message ?? '');
  const parts = missingParts(e?.extensions?.request?.body);
  const what = parts.length ? parts.join(', ') : 'part of the answer';
  const why = timedOut ? `did not arrive within ${UPSTREAM_TIMEOUT_MS} ms` : 'is unavailable right now';
  return new GraphQLError(`${what} ${why} and is left out of this answer; retry shortly.`, {
    path: e?.path,
    extensions: {
      code: timedOut ? 'GATEWAY_TIMEOUT' : 'SERVICE_UNAVAILABLE',
      retryable: true,
      missing: parts,
      // A partial answer is still an answer (200); with nothing to show the status says why.
      ...(hasData ? {} : { http: { status: timedOut ? 504 : 503 } }),
    },
  });
}

/**
 * Yoga masks an error that wraps a thrown one as "Unexpected error." (INTERNAL_SERVER_ERROR):
 * a refused or dropped upstream connection (a subgraph that is down) is one. Such an error
 * goes on as itself, so that withCodes names the missing part with a retryable code.
 */
function maskError(error: unknown, message: string, isDev?: boolean): Error {
  if (error instanceof GraphQLError) {
    const upstream = [error, error.originalError].find(isUpstreamFailure) as any;
    if (upstream) {
      return new GraphQLError(upstream.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path ?? upstream.path,
        extensions: { ...(upstream.extensions ?? {}), ...(error.extensions ?? {}) },
      });
    }
  }
  return yogaMaskError(error, message, isDev);
}

function cleanError(e: any, hasData: boolean): any {
  if (isUpstreamFailure(e)) return upstreamError(e, hasData);
  const needsCode = !e?.extensions?.code ||
    (e.extensions.code.startsWith('GRAPHQL_') && limitCodeFor(e) !== undefined) ||
    (e.extensions.code === 'INTERNAL_SERVER_ERROR' && codeFor(e) === 'BAD_USER_INPUT');
  const extensions: Record<string, unknown> = { ...(e?.extensions || {}) };
  for (const name of INTERNAL_EXTENSIONS) delete extensions[name];
  for (const [name, value] of Object.entries(extensions)) {
    if (typeof value === 'string' && value.length > MAX_ECHO) extensions[name] = `${value.slice(0, MAX_ECHO)}…`;
  }
  if (needsCode) extensions.code = codeFor(e);
  const message = shorten(String(e?.message ?? ''));
  if (e instanceof GraphQLError) {
    // Keep it a GraphQLError so yoga still derives the HTTP status from extensions.http.
    return new GraphQLError(message, {
      nodes: e.nodes,
      source: e.source,
      positions: e.positions,
      path: e.path,
      extensions,
    });
  }
  const { originalError: _dropped, ...rest } = e ?? {};
  return { ...rest, message, extensions };
}

function withCodes(result: any): any {
  if (!result || typeof result !== 'object' || !Array.isArray(result.errors)) return result;
  const hasData = result.data != null;
  return { ...result, errors: result.errors.map((e: any) => cleanError(e, hasData)) };
}

// ---------------------------------------------------------------------------
// Requests refused before parsing, each with a JSON body that says why.
// ---------------------------------------------------------------------------
const PARSEABLE_TYPES = ['application/json', 'application/graphql', 'application/x-www-form-urlencoded', 'multipart/form-data'];
// A UTF-16 surrogate without its pair: JavaScript strings hold them, UTF-8 cannot.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function refusal(fetchAPI: any, status: number, code: string, message: string): Response {
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

function hasLoneSurrogate(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  return Object.entries(value as Record<string, unknown>).some(
    ([key, inner]) => LONE_SURROGATE.test(key) || hasLoneSurrogate(inner, depth + 1),
  );
}

function useInputLimits(): GatewayPlugin {
  return {
    onRequest({ request, fetchAPI, endResponse }) {
      if (request.method !== 'POST') return;
      const length = Number(request.headers.get('content-length') ?? '0');
      if (length > MAX_BODY_BYTES) {
        endResponse(refusal(fetchAPI, 413, 'PAYLOAD_TOO_LARGE',
          `The request body is ${length} bytes; the limit is ${MAX_BODY_BYTES}.`));
        return;
      }
      const type = (request.headers.get('content-type') ?? '').toLowerCase();
      if (!PARSEABLE_TYPES.some((known) => type.startsWith(known))) {
        endResponse(refusal(fetchAPI, 415, 'UNSUPPORTED_MEDIA_TYPE',
          'Unsupported content type: send the operation as application/json.'));
      }
    },
    onParams({ params }) {
      if (hasLoneSurrogate(params.variables) || hasLoneSurrogate(params.query) ||
          hasLoneSurrogate(params.operationName)) {
        throw new GraphQLError('Strings must be valid Unicode: a lone UTF-16 surrogate was sent.', {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
        });
      }
    },
  };
}

function useErrorCodes(): GatewayPlugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(maxAliasesRule(MAX_ALIASES));
    },
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) {
        setResult(result.map(withCodes));
      } else if (result && typeof (result as any)[Symbol.asyncIterator] !== 'function') {
        setResult(withCodes(result));
      }
    },
  };
}

function operationType(executionRequest: any): string | undefined {
  return executionRequest?.operationType ??
    getOperationAST(executionRequest?.document, executionRequest?.operationName)?.operation;
}

// The upstream timeout's timer rejects a promise nobody awaits when a subgraph call settles
// without one (gateway-runtime 2.x): an abort that is already answered must not end the router.
process.on('unhandledRejection', (reason: any) => {
  if (reason?.name === 'TimeoutError' || reason?.name === 'AbortError') {
    console.warn(`[router] upstream call aborted after it was answered: ${reason.message}`);
    return;
  }
  throw reason;
});

// ---------------------------------------------------------------------------
// Cost limit over the whole federated operation, before any subgraph is called: demand
// control alone prices each subgraph request as it is made, where an entity fetch does not
// know how many entities it will be handed.
// ---------------------------------------------------------------------------
function useCostLimit(): GatewayPlugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const cost = operationCost(args.schema, args.document, args.variableValues ?? {}, {
        assumedListSize: ASSUMED_LIST_SIZE,
        defaultPageSize: DEFAULT_PAGE_SIZE,
        maxPageSize: MAX_PAGE_SIZE,
        operationName: args.operationName ?? undefined,
      });
      if (cost > MAX_COST) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              `Query is too expensive: estimated cost ${cost} exceeds the limit of ${MAX_COST}.`,
              { extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: cost, max: MAX_COST } } },
            ),
          ],
        });
      }
    },
  };
}

// ---------------------------------------------------------------------------
// Revoked sign-ins (see revocation.ts): refused before any subgraph is called.
// ---------------------------------------------------------------------------
function useRevocation(): GatewayPlugin {
  const revocation = revocationCheck(env.REDIS_URL);
  const refuse = async ({ args, setResultAndStopExecution }: any) => {
    const error = await revocation.check(args.contextValue?.jwt?.payload);
    if (error) setResultAndStopExecution({ errors: [error] });
  };
  return { onExecute: refuse, onSubscribe: refuse } as GatewayPlugin;
}

// ---------------------------------------------------------------------------
// Transport entries
// ---------------------------------------------------------------------------
const identityHeaders: [string, string][] = [
  [CLAIMS_HEADER, `{context.${CTX_CLAIMS}}`],
  [SIGNATURE_HEADER, `{context.${CTX_SIGNATURE}}`],
  [SIGNED_AT_HEADER, `{context.${CTX_SIGNED_AT}}`],
  [CLIENT_IP_HEADER, `{context.${CTX_CLIENT_IP}}`],
];
const wsIdentityHeaders: [string, string][] = [
  [CLAIMS_HEADER, `{context.${CTX_CLAIMS}}`],
  [SIGNATURE_HEADER, `{context.${CTX_WS_SIGNATURE}}`],
  [SIGNED_AT_HEADER, 'ws'],
  [CLIENT_IP_HEADER, `{context.${CTX_CLIENT_IP}}`],
];

const transportEntries: Record<string, any> = {
  '*': {
    // HTTP requests to the subgraph (queries / mutations / entity fetches)
    headers: identityHeaders,
    options: {
      // In-flight dedupe of identical subgraph requests (same URL, body and
      // headers - so never across different identities). ROUTER_DEDUPE=0 turns it off.
      deduplicateInflightRequests: DEDUPE,
      subscriptions: {
        // Subscriptions go to Strawberry over graphql-transport-ws at the same /graphql path.
        kind: 'ws',
        // Headers on the websocket upgrade request (Strawberry: request.headers) ...
        headers: wsIdentityHeaders,
        options: {
          // ... and the same values in the connection_init payload.
          connectionParams: Object.fromEntries(wsIdentityHeaders),
        },
      },
    },
  },
};
for (const [subgraph, envName] of Object.entries(SUBGRAPH_URL_ENV)) {
  const url = env[envName];
  if (url) transportEntries[subgraph] = { location: url };
}

const jwtOptions: JWTAuthPluginOptions = {
  signingKeyProviders: [
    createRemoteJwksSigningKeyProvider({
      jwksUri: JWKS_URL,
      cache: true,
      cacheMaxAge: 10 * 60 * 1000,
      rateLimit: true,
      jwksRequestsPerMinute: 30,
      timeout: 5000,
    }),
  ],
  tokenLookupLocations: [lookupFromHeader, lookupFromConnectionParams],
  tokenVerification: {
    algorithms: ['RS256'],
    issuer: JWT_ISSUER,
    audience: JWT_AUDIENCE,
  },
  // Anonymous requests are allowed; a present-but-bad token is rejected.
  reject: { missingToken: false, invalidToken: true },
  // Identity goes to subgraphs as x-mg-* headers, not in request extensions.
  forward: { payload: false, token: false },
};

export const gatewayConfig = defineConfig({
  supergraph: SUPERGRAPH,
  host: env.ROUTER_HOST || '127.0.0.1',
  port: intFromEnv('ROUTER_PORT', 4000),

  // Rust query planner (Hive Router runtime).
  unifiedGraphHandler,

  transportEntries,

  graphqlEndpoint: '/graphql',
  graphiql: {
    title: 'Media Gateway',
    ...playgroundOptions(),
    // Live playback over the same websocket the apps use.
    subscriptionsProtocol: 'WS',
  },
  landingPage: false,
  healthCheckEndpoint: '/healthcheck',
  readinessCheckEndpoint: '/readiness',
  logging: (env.ROUTER_LOG_LEVEL as any) || 'info',

  // Client-side transport: HTTP, SSE (Accept: text/event-stream) and
  // graphql-transport-ws on /graphql.
  disableWebsockets: false,
  batching: false,

  prometheus: {
    endpoint: '/metrics',
  },
  // Spans for the HTTP request, the operation, its execution and every subgraph call, whose
  // `traceparent` header makes the subgraphs' spans children of the router's (tracing.ts).
  ...(TRACING ? { openTelemetry: TRACE_OPTIONS } : {}),

  maxDepth: MAX_DEPTH,
  maxTokens: MAX_TOKENS,
  blockFieldSuggestions: true,

  // Cost of each subgraph request, summed over the operation; see useCostLimit for the
  // estimate of the whole operation that refuses it before any subgraph is called.
  demandControl: {
    maxCost: MAX_COST,
    listSize: ASSUMED_LIST_SIZE,
    includeExtensionMetadata: false,
  },
  // Not for subscriptions: they are meant to last (the timeout would end them).
  upstreamTimeout: ({ executionRequest }) =>
    operationType(executionRequest) === 'subscription' ? undefined : UPSTREAM_TIMEOUT_MS,
  maskedErrors: { maskError },
  // Errors from a subgraph keep their own code and do not name the subgraph.
  subgraphErrors: { errorCode: false, subgraphNameProp: false },
  // A GET or a form/text POST (which browsers send cross-site without asking) needs this
  // header: such requests cannot carry it without a CORS preflight.
  csrfPrevention: { requestHeaders: [CSRF_HEADER] },
  cors: CORS_ORIGINS.length
    ? {
        origin: CORS_ORIGINS,
        credentials: true,
        methods: ['GET', 'POST'],
        allowedHeaders: ['authorization', 'content-type', 'accept', CSRF_HEADER],
      }
    : false,

  // JWT is installed here rather than via the builtin `jwt` option so that its
  // errors can be given extensions.code (see withAuthErrorCodes).
  plugins: () => [
    withAuthErrorCodes(useJWT(jwtOptions)),
    useRevocation(),
    useInputLimits(),
    useCostLimit(),
    useIdentityForwarding(),
    useErrorCodes(),
    ...(EXPOSE_QUERY_PLAN ? [useQueryPlan({ expose: true })] : []),
  ],
});
