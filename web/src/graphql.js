// GraphQLError is a failed operation: the first error's message, with every
// error (and its extensions: code, field, fields) and the HTTP status.
export class GraphQLError extends Error {
  constructor(message, errors = [], status = 0) {
    super(message);
    this.name = 'GraphQLError';
    this.errors = errors;
    this.status = status;
    this.code = errors[0]?.extensions?.code ?? (status === 401 ? 'UNAUTHENTICATED' : undefined);
  }
}

// graphql posts one operation to serasi's GraphQL endpoint and returns its
// data, or throws a GraphQLError with the first error's message. A token,
// when given, goes in the Authorization header only (never in the URL).
export async function graphql(url, query, variables = {}, { token } = {}) {
  const headers = {
    'Content-Type': 'application/json',
    Accept: 'application/graphql-response+json, application/json',
  };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  let body;
  try {
    body = await res.json();
  } catch {
    throw new GraphQLError(`GraphQL: HTTP ${res.status}`, [], res.status);
  }
  if (body.errors?.length) throw new GraphQLError(body.errors[0].message, body.errors, res.status);
  if (!res.ok) throw new GraphQLError(`GraphQL: HTTP ${res.status}`, [], res.status);
  return body.data;
}
