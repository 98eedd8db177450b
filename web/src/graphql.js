// graphql posts one operation to serasi's GraphQL endpoint and returns its
// data, or throws the first error's message.
export async function graphql(url, query, variables = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/graphql-response+json, application/json',
    },
    body: JSON.stringify({ query, variables }),
  });
  let body;
  try {
    body = await res.json();
  } catch {
    throw new Error(`GraphQL: HTTP ${res.status}`);
  }
  if (body.errors?.length) throw new Error(body.errors[0].message);
  if (!res.ok) throw new Error(`GraphQL: HTTP ${res.status}`);
  return body.data;
}
