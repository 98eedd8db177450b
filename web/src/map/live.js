// live follows serasi's change feed (the `changes` subscription over a
// WebSocket, graphql-transport-ws) so that the workbench shows what other
// people write, on any instance, without a reload. After a dropped
// connection it resubscribes with the last cursor, so nothing is missed;
// when the server no longer holds the changes since then, the page
// refreshes everything instead.
import { createClient } from 'graphql-ws';

const CHANGES = `subscription MapChanges($since: String) {
  changes(since: $since) { cursor recordType recordId operation }
}`;

// wsURL turns the page's GraphQL URL (often a path) into a WebSocket URL.
function wsURL(graphqlURL) {
  const u = new URL(graphqlURL, window.location.href);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

// followChanges calls onChanges(changes) for each burst of changes
// (batched over `wait` ms, since an import sends thousands) and onGap()
// when changes may have been missed. token() returns the session's token,
// or nothing. document.body.dataset.live says 'on' or 'off'.
export function followChanges({ graphql, token, onChanges, onGap, wait = 250 }) {
  const client = createClient({
    url: wsURL(graphql),
    lazy: true,
    retryAttempts: 0, // resubscribing ourselves carries the cursor
    connectionParams: () => {
      const t = token();
      return t ? { Authorization: `Bearer ${t}` } : {};
    },
    on: {
      connected: () => { document.body.dataset.live = 'on'; },
      closed: () => { document.body.dataset.live = 'off'; },
    },
  });
  let since = null;
  let pending = [];
  let timer = 0;
  let delay = 1000;
  const flush = () => {
    timer = 0;
    const cs = pending;
    pending = [];
    if (cs.length) onChanges(cs);
  };
  const subscribe = () => {
    client.subscribe({ query: CHANGES, variables: { since } }, {
      next: (res) => {
        const c = res.data?.changes;
        if (!c) {
          // A since past the feed's retention: start afresh.
          if (res.errors?.[0]?.extensions?.field === 'since') {
            since = null;
            onGap();
          }
          return;
        }
        delay = 1000;
        since = c.cursor;
        pending.push(c);
        if (!timer) timer = setTimeout(flush, wait);
      },
      error: () => retry(),
      complete: () => retry(),
    });
  };
  const retry = () => {
    setTimeout(subscribe, delay);
    delay = Math.min(delay * 2, 30000);
  };
  subscribe();
  return () => client.dispose();
}
