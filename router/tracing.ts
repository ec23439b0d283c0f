// OpenTelemetry traces for the router, off unless asked for (as the subgraphs': see
// subgraphs/common/tracing.py): OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
// set, or MG_TRACING=on; OTEL_SDK_DISABLED=true wins. The exporter reads the standard OTEL_*
// variables itself. Sampling: parent-based with the ratio OTEL_TRACES_SAMPLER_ARG (default 1),
// and the subgraphs follow the router's decision through the `traceparent` it sends them.
import { openTelemetrySetup } from '@graphql-hive/gateway/opentelemetry/setup';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';

const TRUE = new Set(['1', 'on', 'true', 'yes']);
const UNTRACED_PATHS = new Set(['/healthcheck', '/readiness', '/metrics']);

// What the gateway's plugin records: the request, the operation, its execution and each
// subgraph call. Not parse, validate and context building (three spans a request, each
// shorter than its own bookkeeping), nor the fetch under each subgraph call (the subgraph's
// server span says the same), nor probes and scrapes; no operation hash either (a hash of
// every document, per request, for an attribute). See benchmarks/RESULTS.md for the cost.
export const TRACE_OPTIONS = {
  hashOperation: null,
  traces: {
    spans: {
      http: ({ request }: { request: Request }) => !UNTRACED_PATHS.has(new URL(request.url).pathname),
      graphqlParse: false,
      graphqlValidate: false,
      graphqlContextBuilding: false,
      upstreamFetch: false,
    },
  },
};

export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  if (TRUE.has((env.OTEL_SDK_DISABLED ?? '').toLowerCase())) return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
    TRUE.has((env.MG_TRACING ?? '').toLowerCase()));
}

/** Registers the tracer provider, exporter and W3C propagators; true when tracing is on. */
export function setupTracing(env: NodeJS.ProcessEnv): boolean {
  if (!tracingWanted(env)) return false;
  const ratio = Number(env.OTEL_TRACES_SAMPLER_ARG ?? '1');
  if (!(ratio > 0 && ratio <= 1)) {
    // The setup takes 0 for "always": say it rather than sample everything by surprise.
    throw new Error(`OTEL_TRACES_SAMPLER_ARG must be in (0, 1], got ${JSON.stringify(env.OTEL_TRACES_SAMPLER_ARG)}`);
  }
  openTelemetrySetup({
    contextManager: new AsyncLocalStorageContextManager(),
    resource: { serviceName: env.OTEL_SERVICE_NAME || 'router' },
    samplingRate: ratio,
    traces: { exporter: new OTLPTraceExporter() },
  });
  return true;
}
