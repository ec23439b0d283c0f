#!/usr/bin/env node
// Compose the four Strawberry subgraph SDLs into a Federation 2 supergraph.
//
//   node compose.mjs            -> writes <schema dir>/supergraph.graphql
//   node compose.mjs --check    -> composes, exits 1 if the result differs from
//                                  the committed <schema dir>/supergraph.graphql
//   node compose.mjs --stdout   -> prints the supergraph instead of writing it
//   node compose.mjs --out FILE -> writes FILE instead of the committed supergraph
//
// Schema dir: $MG_SCHEMA_DIR, default ../schema (relative to this file).
// Routing URLs baked into the supergraph: $CONTENT_URL, $USERS_URL,
// $RECOMMENDATIONS_URL, $PLAYBACK_URL (defaults http://127.0.0.1:400{1..4}/graphql).
// The committed supergraph must be composed with the defaults (unset env), so
// --check always composes with the default URLs and ignores the env vars; at
// runtime gateway.config.ts overrides the URLs from the same env vars.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@theguild/federation-composition';
import { Kind, parse, visit } from 'graphql';

const here = dirname(fileURLToPath(import.meta.url));
const schemaDir = resolve(here, process.env.MG_SCHEMA_DIR || '../schema');

// Keep in sync with gateway.config.ts (SUBGRAPHS).
export const SUBGRAPHS = [
  { name: 'content', env: 'CONTENT_URL', url: 'http://127.0.0.1:4001/graphql' },
  { name: 'users', env: 'USERS_URL', url: 'http://127.0.0.1:4002/graphql' },
  { name: 'recommendations', env: 'RECOMMENDATIONS_URL', url: 'http://127.0.0.1:4003/graphql' },
  { name: 'playback', env: 'PLAYBACK_URL', url: 'http://127.0.0.1:4004/graphql' },
];

// @theguild/federation-composition 0.27.0 (latest release) understands the
// federation spec only up to v2.9, while Strawberry emits the version it was
// asked for (federation_version="2.11" -> .../federation/v2.11). Everything the
// Media Gateway subgraphs import exists in v2.9, so a newer @link is rewritten
// to v2.9 as long as every imported name is part of v2.9; otherwise we fail
// loudly instead of silently composing something different.
const MAX_FED_MINOR = 9;
const FED_V29_NAMES = new Set([
  '@authenticated', '@composeDirective', '@context', '@cost', '@extends', '@external',
  '@fromContext', '@inaccessible', '@interfaceObject', '@key', '@listSize', '@override',
  '@policy', '@provides', '@requires', '@requiresScopes', '@shareable', '@tag',
  'FieldSet', 'ContextFieldValue', 'Policy', 'Scope',
]);
const FED_URL = /^(https:\/\/specs\.apollo\.dev\/federation\/v2\.)(\d+)$/;

function downgradeFederationLink(typeDefs, subgraphName) {
  return visit(typeDefs, {
    Directive(node) {
      if (node.name.value !== 'link') return undefined;
      const urlArg = node.arguments?.find((a) => a.name.value === 'url');
      if (!urlArg || urlArg.value.kind !== Kind.STRING) return undefined;
      const m = FED_URL.exec(urlArg.value.value);
      if (!m || Number(m[2]) <= MAX_FED_MINOR) return undefined;
      const importArg = node.arguments.find((a) => a.name.value === 'import');
      const imported = [];
      if (importArg && importArg.value.kind === Kind.LIST) {
        for (const v of importArg.value.values) {
          if (v.kind === Kind.STRING) imported.push(v.value);
          else if (v.kind === Kind.OBJECT) {
            const n = v.fields.find((f) => f.name.value === 'name');
            if (n && n.value.kind === Kind.STRING) imported.push(n.value.value);
          }
        }
      }
      const unsupported = imported.filter((n) => !FED_V29_NAMES.has(n));
      if (unsupported.length) {
        throw new Error(
          `[${subgraphName}] federation ${urlArg.value.value} imports ${unsupported.join(', ')}, ` +
            `which @theguild/federation-composition cannot compose (supports up to v2.${MAX_FED_MINOR})`,
        );
      }
      return {
        ...node,
        arguments: node.arguments.map((a) =>
          a === urlArg ? { ...a, value: { ...a.value, value: `${m[1]}${MAX_FED_MINOR}` } } : a,
        ),
      };
    },
  });
}

async function compose({ useEnvUrls }) {
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
    typeDefs = downgradeFederationLink(typeDefs, sg.name);
    services.push({ name: sg.name, typeDefs, url: (useEnvUrls && process.env[sg.env]) || sg.url });
  }
  return composeServices(services);
}

const argv = process.argv.slice(2);
const args = new Set(argv);
const committedFile = resolve(schemaDir, 'supergraph.graphql');
const outIdx = argv.indexOf('--out');
const outFile = outIdx >= 0 && argv[outIdx + 1] ? resolve(process.cwd(), argv[outIdx + 1]) : committedFile;
const checking = args.has('--check');

let result;
try {
  result = await compose({ useEnvUrls: !checking });
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
    committed = await readFile(committedFile, 'utf8');
  } catch {
    // fall through: missing file counts as drift
  }
  if (committed !== supergraph) {
    console.error(
      committed === null
        ? `compose --check: ${committedFile} does not exist; run "npm run compose" in router/`
        : `compose --check: ${committedFile} is out of date; run "npm run compose" in router/ (with CONTENT_URL/USERS_URL/RECOMMENDATIONS_URL/PLAYBACK_URL unset)`,
    );
    process.exit(1);
  }
  console.log(`compose --check: ${committedFile} is up to date`);
} else {
  const overridden = SUBGRAPHS.filter((sg) => process.env[sg.env]).map((sg) => sg.env);
  if (overridden.length && outFile === committedFile) {
    console.warn(
      `compose: warning: ${overridden.join(', ')} set; the committed supergraph should use the default URLs ` +
        `(the gateway overrides URLs at runtime from the same env vars). "--check" will report drift.`,
    );
  }
  await writeFile(outFile, supergraph);
  console.log(`compose: wrote ${outFile}`);
}
