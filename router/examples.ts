// The playground's first look: the operations in examples/*.graphql, in file order, as a
// "Start here" collection of Hive Laboratory (the gateway's playground) and as tabs of the
// legacy GraphiQL, so a first visit shows what the graph can do instead of an empty editor.
// Examples that need a signed-in viewer come with the Authorization header to fill in (the
// SignIn example gives the token).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXAMPLES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'examples');
const SIGNED_IN = /\bSigned in\b|^subscription\b/m;
const TOKEN_HEADERS = JSON.stringify({ Authorization: 'Bearer <accessToken from SignIn>' }, null, 2);
// Fixed, so the collection is the same on every start (the playground keys what it stores).
const CREATED_AT = '2026-12-03T00:00:00.000Z';

type Example = { id: string; name: string; description: string; query: string; headers: string };

function examples(dir: string): Example[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => {
      const query = readFileSync(join(dir, file), 'utf8');
      const name = /^(?:query|mutation|subscription)\s+(\w+)/m.exec(query)?.[1] ?? file;
      const description = query
        .split('\n')
        .filter((line) => line.startsWith('#'))
        .map((line) => line.replace(/^#\s?/, ''))
        .join(' ');
      const headers = SIGNED_IN.test(query) ? TOKEN_HEADERS : '{}';
      return { id: file.replace(/\.graphql$/, ''), name, description, query, headers };
    });
}

export function playgroundOptions(dir: string = EXAMPLES_DIR) {
  const found = examples(dir);
  return {
    defaultCollections: [
      {
        id: 'start-here',
        name: 'Start here',
        description: 'Search, a title with its offers, sign-in, your lists, live playback.',
        createdAt: CREATED_AT,
        operations: found.map((e) => ({
          id: e.id, name: e.name, description: e.description, query: e.query,
          variables: '{}', headers: e.headers, extensions: '{}', createdAt: CREATED_AT,
        })),
      },
    ],
    defaultTabs: found.map((e) => ({ query: e.query, headers: e.headers })),
  };
}
