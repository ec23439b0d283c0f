#!/usr/bin/env node
// GraphQL-over-HTTP conformance audit (graphql-http's auditServer) against the gateway.
//
//   node audit.mjs [url]      (default http://127.0.0.1:4000/graphql)
//
// Prints every result, then a summary line. Exits 1 if any audit has status
// "error" (a failed MUST); "warn"/"notice" results are printed but do not fail.
import { auditServer } from 'graphql-http';

const url = process.argv[2] || 'http://127.0.0.1:4000/graphql';

let results;
try {
  // GETs need the CSRF prevention header (gateway.config.ts); a real client sends it too.
  const fetchFn = (input, init = {}) =>
    fetch(input, { ...init, headers: { ...(init.headers || {}), 'x-graphql-csrf': '1' } });
  results = await auditServer({ url, fetchFn });
} catch (err) {
  console.error(`audit: could not run against ${url}: ${err?.message ?? err}`);
  process.exit(2);
}

const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const r of results) {
  counts[r.status] = (counts[r.status] ?? 0) + 1;
  const line = `${r.status.padEnd(6)} ${r.id} ${r.name}`;
  if (r.status === 'ok') {
    console.log(line);
  } else {
    let body = '';
    try {
      body = r.response ? (await r.response.clone().text()).slice(0, 300) : '';
    } catch {
      // body already consumed / unavailable
    }
    const status = r.response ? ` [HTTP ${r.response.status}]` : '';
    console.log(`${line}\n       -> ${r.reason}${status}${body ? `\n       body: ${body}` : ''}`);
  }
}

console.log(
  `\naudit ${url}: ${results.length} audits, ${counts.ok} ok, ${counts.notice} notice, ` +
    `${counts.warn} warn, ${counts.error} error`,
);
process.exit(counts.error > 0 ? 1 : 0);
