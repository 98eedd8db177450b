// Runs the graphql-http server audits (the GraphQL-over-HTTP spec's
// MUST/SHOULD/MAY checks) against a running serasi server:
//
//	node audit.mjs http://localhost:8080/graphql
//
// Prints one line per audit and exits non-zero when any audit ends in an
// error or a warning, so that a SHOULD we miss fails as loudly as a MUST.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql endpoint url>');
  process.exit(2);
}

const results = [];
for (const audit of serverAudits({ url })) {
  results.push(await audit.fn());
}

const counts = { ok: 0, warn: 0, error: 0 };
for (const r of results) {
  counts[r.status]++;
  console.log(`${r.status.toUpperCase().padEnd(5)} ${r.id} ${r.name}`);
  if (r.status !== 'ok') {
    console.log(`      ${r.reason}`);
    if (r.response) {
      let body = '';
      try {
        body = await r.response.text();
      } catch {
        // the audit may have read the body already
      }
      console.log(`      response: ${r.response.status} ${r.response.headers.get('content-type') ?? ''} ${body.slice(0, 300)}`);
    }
  }
}
console.log(`\n${counts.ok} ok, ${counts.warn} warnings, ${counts.error} errors`);
process.exit(counts.warn + counts.error === 0 ? 0 : 1);
