// A device that does not run a CRDT: subscribes to `syncUpdates` through the router with the
// `graphql-ws` client and prints every message as one JSON line. Usage:
//   node sync_client.mjs <ws url> <token> [state vector]   (ROUTER_DIR: where node_modules is)
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.env.ROUTER_DIR, 'package.json'));
const { createClient } = require('graphql-ws');
const WebSocket = require('ws');

const [url, token, stateVector] = process.argv.slice(2);
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${token}` },
  retryAttempts: 0,
});
const query = `subscription($sv: String) { syncUpdates(stateVector: $sv) {
  update stateVector catchUp originDeviceId events { kind titleId } } }`;
client.subscribe(
  { query, variables: { sv: stateVector ?? null } },
  {
    next: (message) => console.log(JSON.stringify(message)),
    error: (error) => {
      console.log(JSON.stringify({ error: String(error?.message ?? JSON.stringify(error)) }));
      process.exit(1);
    },
    complete: () => process.exit(0),
  },
);
