// Subscribes to serasi's changes with the graphql-ws client (protocol
// graphql-transport-ws) and prints one JSON line per message on stdout:
//   {"connected":true}                 once the server acknowledged connection_init
//   {"next":{...}}                     each result (data and/or errors)
//   {"closed":{"code":4401,"reason":"..."}}  when the server closed the socket
// It exits 0 after COUNT results, 2 on an error or a close.
//
//   node subscribe.mjs ws://127.0.0.1:8080/graphql [--token T] [--count N] [--since CURSOR] [--filter JSON]
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const args = process.argv.slice(2);
const url = args.shift();
const opt = (name, dflt) => {
  const i = args.indexOf('--' + name);
  return i >= 0 ? args[i + 1] : dflt;
};
const token = opt('token', '');
const count = Number(opt('count', '1'));
const since = opt('since', null);
const filter = opt('filter', null);
const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  retryAttempts: 0,
  lazy: false,
  connectionParams: token ? { Authorization: 'Bearer ' + token } : {},
  on: {
    connected: () => print({ connected: true }),
    closed: (ev) => {
      if (ev && ev.code !== 1000) {
        print({ closed: { code: ev.code, reason: ev.reason } });
        process.exit(2);
      }
    },
  },
});

const query = `subscription($filter: ChangeFilter, $since: String) {
  changes(filter: $filter, since: $since) {
    cursor operation recordType recordId version at oldBbox newBbox
    record { __typename ... on Project { projectId title kelurahan { code name } } }
  }
}`;

let n = 0;
client.subscribe(
  { query, variables: { since, filter: filter ? JSON.parse(filter) : null } },
  {
    next: (result) => {
      print({ next: result });
      if (result.errors) process.exit(2);
      if (++n >= count) {
        client.dispose();
        process.exit(0);
      }
    },
    error: (err) => {
      print({ error: String(err && err.message ? err.message : JSON.stringify(err)) });
      process.exit(2);
    },
    complete: () => process.exit(n >= count ? 0 : 2),
  },
);
