#!/usr/bin/env node
// Compose the four Strawberry subgraph SDLs into a Federation 2 supergraph.
//
//   node compose.mjs            -> writes <schema dir>/supergraph.graphql
//   node compose.mjs --check    -> composes, exits 1 if the result differs from
//                                  the committed <schema dir>/supergraph.graphql
//   node compose.mjs --stdout   -> prints the supergraph instead of writing it
//
// Schema dir: $MG_SCHEMA_DIR, default ../schema (relative to this file).
// Routing URLs baked into the supergraph: $CONTENT_URL, $USERS_URL,
// $RECOMMENDATIONS_URL, $PLAYBACK_URL (defaults http://127.0.0.1:400{1..4}/graphql).
// The committed supergraph must be composed with the defaults (unset env);
// at runtime gateway.config.ts overrides the URLs from the same env vars.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';

const here = dirname(fileURLToPath(import.meta.url));
const schemaDir = resolve(here, process.env.MG_SCHEMA_DIR || '../schema');

// Keep in sync with gateway.config.ts (SUBGRAPHS).
export const SUBGRAPHS = [
  { name: 'content', env: 'CONTENT_URL', url: 'http://127.0.0.1:4001/graphql' },
  { name: 'users', env: 'USERS_URL', url: 'http://127.0.0.1:4002/graphql' },
  { name: 'recommendations', env: 'RECOMMENDATIONS_URL', url: 'http://127.0.0.1:4003/graphql' },
  { name: 'playback', env: 'PLAYBACK_URL', url: 'http://127.0.0.1:4004/graphql' },
];

async function compose() {
  const services = [];
  for (const sg of SUBGRAPHS) {
    const file = resolve(schemaDir, `${sg.name}.graphql`);
    let sdl;
    try {
      sdl = await readFile(file, 'utf8');
    } catch (err) {
      throw new Error(`cannot read ${file}: ${err.message}`);
    }
    let typeDefs;
    try {
      typeDefs = parse(sdl, { noLocation: false });
    } catch (err) {
      throw new Error(`cannot parse ${file}: ${err.message}`);
    }
    services.push({ name: sg.name, typeDefs, url: process.env[sg.env] || sg.url });
  }
  return composeServices(services);
}

const args = new Set(process.argv.slice(2));
const outFile = resolve(schemaDir, 'supergraph.graphql');

let result;
try {
  result = await compose();
} catch (err) {
  console.error(`compose: ${err.message}`);
  process.exit(2);
}

if (result.errors && result.errors.length) {
  console.error(`compose: composition failed with ${result.errors.length} error(s):`);
  for (const err of result.errors) {
    const code = err.extensions?.code ? `[${err.extensions.code}] ` : '';
    console.error(`  - ${code}${err.message}`);
  }
  process.exit(1);
}

const supergraph = result.supergraphSdl.trimEnd() + '\n';

if (args.has('--stdout')) {
  process.stdout.write(supergraph);
} else if (args.has('--check')) {
  let committed = null;
  try {
    committed = await readFile(outFile, 'utf8');
  } catch {
    // fall through: missing file counts as drift
  }
  if (committed !== supergraph) {
    console.error(
      committed === null
        ? `compose --check: ${outFile} does not exist; run "npm run compose" in router/`
        : `compose --check: ${outFile} is out of date; run "npm run compose" in router/ (with CONTENT_URL/USERS_URL/RECOMMENDATIONS_URL/PLAYBACK_URL unset)`,
    );
    process.exit(1);
  }
  console.log(`compose --check: ${outFile} is up to date`);
} else {
  await writeFile(outFile, supergraph);
  console.log(`compose: wrote ${outFile}`);
}
