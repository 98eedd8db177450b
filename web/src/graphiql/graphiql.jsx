// GraphiQL for serasi, bundled so that / works without a CDN.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import './graphiql.css';

const url = document.body.dataset.graphql;

// A plain fetcher: the API speaks GraphQL over HTTP with POST, and there are
// no subscriptions, so @graphiql/toolkit's websocket support is not needed.
async function fetcher(params, opts) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/graphql-response+json, application/json',
      ...(opts?.headers ?? {}),
    },
    body: JSON.stringify(params),
  });
  return res.json();
}

const defaultQuery = `# serasi: Program Keserasian Sosial, Kota Baubau.
# Run with the play button or Ctrl-Enter; the Docs
# panel (book icon) describes every type and field.
query Kelurahan {
  kelurahans(filter: { nameContains: "wa" }) {
    code
    name
    kecamatan { name }
    conflictProne
    forums { name statusLabelId }
    projects(first: 3) {
      totalCount
      edges {
        node { projectId title kindLabelId year }
      }
    }
  }
}
`;

createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery, defaultEditorToolsVisibility: true }),
);
