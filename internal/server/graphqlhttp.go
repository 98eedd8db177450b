package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	gojson "github.com/goccy/go-json"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/serasi/serasi/internal/httpx"
)

// Media types of the GraphQL-over-HTTP specification.
const (
	mediaGraphQLResponse = httpx.MediaGraphQLResponse
	mediaJSON            = httpx.MediaJSON
)

// codeBadRequest is extensions.code of a request that is not a GraphQL
// request at all (bad JSON, no query, wrong content type); errors about
// argument values are BAD_USER_INPUT.
const codeBadRequest = httpx.CodeBadRequest

// graphqlHTTP is a gqlgen transport that follows the GraphQL-over-HTTP
// specification (https://graphql.github.io/graphql-over-http/draft/) where
// gqlgen's own GET and POST transports do not: it answers a mutation sent
// with GET with 405 (not 406), document and variable errors with 200 under
// application/json and 400 under application/graphql-response+json (not
// 422), leaves data out of responses to requests that never executed,
// refuses unacceptable Accept headers with 406 and other content types with
// 415, and never echoes the request body back.
type graphqlHTTP struct{}

var _ graphql.Transport = graphqlHTTP{}

func (graphqlHTTP) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" {
		return false
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost:
		return true
	}
	return false
}

// requestError is a request the transport refuses before gqlgen sees it.
type requestError struct {
	status int
	msg    string
}

func (e *requestError) Error() string { return e.msg }

func badRequest(format string, args ...any) *requestError {
	return &requestError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

func (graphqlHTTP) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	media, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		writeRequestError(w, mediaJSON, &requestError{http.StatusNotAcceptable,
			"the Accept header must allow " + mediaGraphQLResponse + " or " + mediaJSON})
		return
	}

	start := graphql.Now()
	var params *graphql.RawParams
	var err error
	if r.Method == http.MethodPost {
		params, err = readPOST(r)
	} else {
		params, err = readGET(r)
	}
	if err != nil {
		var re *requestError
		if !errors.As(err, &re) {
			re = badRequest("%v", err)
		}
		writeRequestError(w, media, re)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	// GET must not change anything (it may be cached, prefetched, replayed),
	// so it runs queries only. Checked before validation, so that a mutation
	// gets 405 whatever the schema says about it.
	if r.Method != http.MethodPost {
		if op := operationType(params); op != "" && op != ast.Query {
			w.Header().Set("Allow", http.MethodPost)
			writeRequestError(w, media, &requestError{http.StatusMethodNotAllowed,
				fmt.Sprintf("a %s cannot be sent with GET; use POST", op)})
			return
		}
	}

	ctx := r.Context()
	opCtx, gqlErrs := exec.CreateOperationContext(ctx, params)
	if gqlErrs != nil {
		// Parse, validation and variable coercion errors: the request never
		// executed. The spec asks for 200 under application/json (legacy
		// clients read the body) and 400 under graphql-response+json.
		status := http.StatusOK
		if media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		// Refused before executing for a reason the edge knows (a role
		// graph.Authorization found missing, a size limit, an outage): the
		// HTTP status says so too, whatever the media type.
		if code, _ := gqlErrs[0].Extensions["code"].(string); code != "" {
			if st, ok := httpx.StatusOf(code); ok && st != http.StatusBadRequest {
				status = st
			} else if ok && media == mediaGraphQLResponse {
				status = st
			}
			if code == httpx.CodeUnauthenticated {
				httpx.SetChallenge(w, "")
			}
		}
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), gqlErrs)
		writeJSON(w, media, status, errorsOnly{Errors: resp.Errors, Extensions: resp.Extensions})
		return
	}
	handle, ctx := exec.DispatchOperation(ctx, opCtx)
	writeResponse(w, media, handle(ctx))
}

// writeResponse writes an executed operation's response. The common answer,
// data and nothing else, is put together directly: data is already JSON
// (gqlgen wrote it) and json.Marshal would only scan and copy it again.
func writeResponse(w http.ResponseWriter, media string, resp *graphql.Response) {
	if len(resp.Errors) > 0 || len(resp.Extensions) > 0 || resp.Label != "" || resp.Path != nil || resp.HasNext != nil {
		writeJSON(w, media, executedStatus(resp), resp)
		return
	}
	data := []byte(resp.Data)
	if len(data) == 0 {
		data = []byte("null")
	}
	b := make([]byte, 0, len(`{"data":}`)+len(data))
	b = append(b, `{"data":`...)
	b = append(b, data...)
	b = append(b, '}')
	writeBody(w, media, http.StatusOK, b)
}

// executedStatus is 200 for an executed operation, unless the store was
// unavailable and nothing came back: then 503 (with Retry-After), so that
// a client, a proxy and a load balancer all know to retry. A response with
// some data stays 200, as the GraphQL-over-HTTP specification asks.
func executedStatus(resp *graphql.Response) int {
	unavailable := false
	for _, e := range resp.Errors {
		if e.Extensions["code"] == httpx.CodeUnavailable {
			unavailable = true
			break
		}
	}
	if !unavailable || hasData(resp.Data) {
		return http.StatusOK
	}
	return http.StatusServiceUnavailable
}

// hasData reports whether data has a root field that is not null.
func hasData(data []byte) bool {
	var root map[string]json.RawMessage
	if err := json.Unmarshal(data, &root); err != nil {
		return false
	}
	for _, v := range root {
		if string(bytes.TrimSpace(v)) != "null" {
			return true
		}
	}
	return false
}

// errorsOnly is a response to a request that did not execute: unlike
// graphql.Response it has no data entry at all.
type errorsOnly struct {
	Errors     gqlerror.List  `json:"errors"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// negotiate picks the response media type from an Accept header: the
// acceptable type with the highest q, graphql-response+json on a tie with
// application/json, and application/json for a missing header or a
// wildcard, as legacy clients expect.
func negotiate(accept string) (string, bool) {
	// The common single types first.
	switch accept {
	case mediaGraphQLResponse:
		return mediaGraphQLResponse, true
	case mediaJSON, "*/*", "":
		return mediaJSON, true
	}
	return httpx.Negotiate(accept, mediaJSON, mediaGraphQLResponse, mediaJSON)
}

// readPOST reads a JSON request body {query, operationName, variables,
// extensions}.
func readPOST(r *http.Request) (*graphql.RawParams, error) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil, &requestError{http.StatusUnsupportedMediaType, "the Content-Type header must be " + mediaJSON}
	}
	// What nearly every client sends is recognised without parsing (the
	// parser allocates a map of parameters).
	if ct != mediaJSON && !strings.EqualFold(ct, "application/json; charset=utf-8") {
		mt, ctParams, err := mime.ParseMediaType(ct)
		if err != nil || mt != mediaJSON {
			return nil, &requestError{http.StatusUnsupportedMediaType, "the Content-Type must be " + mediaJSON}
		}
		if cs, ok := ctParams["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
			return nil, &requestError{http.StatusUnsupportedMediaType, "the request body must be UTF-8"}
		}
	}

	body, err := readBody(r)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, &requestError{http.StatusRequestEntityTooLarge,
				fmt.Sprintf("the request body is larger than %d bytes", tooLarge.Limit)}
		}
		return nil, badRequest("the request body could not be read")
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, badRequest("the request body is empty; send a JSON object with a query")
	}
	if trimmed[0] != '{' {
		return nil, badRequest("the request body must be a JSON object")
	}
	// Straight into typed fields: a map[string]any of the whole body would
	// cost an allocation per member on the hottest path of the server.
	var b postBody
	if err := decodeJSON(body, &b); err != nil {
		var te *gojson.UnmarshalTypeError
		if errors.As(err, &te) {
			switch te.Field {
			case "query":
				return nil, badRequest("the query parameter must be a string")
			case "operationName":
				return nil, badRequest("the operationName parameter must be a string or null")
			case "variables", "extensions":
				return nil, badRequest("the %s parameter must be a JSON object or null", te.Field)
			}
		}
		return nil, badRequest("the request body is not a JSON object: %v", err)
	}
	var query, opName, vars, exts any
	if b.Query != nil {
		query = *b.Query
	}
	if b.OperationName != nil {
		opName = *b.OperationName
	}
	if b.Variables != nil {
		vars = b.Variables
	}
	if b.Extensions != nil {
		exts = b.Extensions
	}
	return rawParams(query, opName, vars, exts)
}

// postBody is a POST request's JSON body; a missing member and null are
// the same.
type postBody struct {
	Query         *string        `json:"query"`
	OperationName *string        `json:"operationName"`
	Variables     map[string]any `json:"variables"`
	Extensions    map[string]any `json:"extensions"`
}

// readGET reads the URL parameters query, operationName, and variables and
// extensions as JSON text.
func readGET(r *http.Request) (*graphql.RawParams, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest("the URL query string is malformed")
	}
	var query, opName, vars, exts any
	if q.Has("query") {
		query = q.Get("query")
	}
	if q.Has("operationName") {
		opName = q.Get("operationName")
	}
	for name, dst := range map[string]*any{"variables": &vars, "extensions": &exts} {
		if s := q.Get(name); s != "" {
			if err := decodeJSON([]byte(s), dst); err != nil {
				return nil, badRequest("the %s parameter is not JSON: %v", name, err)
			}
		}
	}
	return rawParams(query, opName, vars, exts)
}

// rawParams checks the types of the four request parameters.
func rawParams(query, opName, vars, exts any) (*graphql.RawParams, error) {
	p := &graphql.RawParams{}
	switch v := query.(type) {
	case nil:
		// An automatic persisted query may send only its hash; gqlgen's
		// APQ extension then finds the text or answers PersistedQueryNotFound.
		if e, ok := exts.(map[string]any); !ok || e["persistedQuery"] == nil {
			return nil, badRequest("the query parameter is missing")
		}
	case string:
		if strings.TrimSpace(v) == "" {
			return nil, badRequest("the query parameter is empty")
		}
		p.Query = v
	default:
		return nil, badRequest("the query parameter must be a string")
	}
	switch v := opName.(type) {
	case nil:
	case string:
		p.OperationName = v
	default:
		return nil, badRequest("the operationName parameter must be a string or null")
	}
	switch v := vars.(type) {
	case nil:
	case map[string]any:
		p.Variables = v
	default:
		return nil, badRequest("the variables parameter must be a JSON object or null")
	}
	switch v := exts.(type) {
	case nil:
	case map[string]any:
		p.Extensions = v
	default:
		return nil, badRequest("the extensions parameter must be a JSON object or null")
	}
	return p, nil
}

// readBody reads the whole body, into a buffer of the announced size when
// there is one (io.ReadAll starts at 512 bytes, three times a typical
// query's body). The body's reader (http.MaxBytesReader) enforces the
// size limit either way.
func readBody(r *http.Request) ([]byte, error) {
	n := r.ContentLength
	if n <= 0 || n > 64<<10 {
		return io.ReadAll(r.Body)
	}
	buf := make([]byte, n, n+1)
	if _, err := io.ReadFull(r.Body, buf); err != nil {
		return nil, err
	}
	// net/http stops at Content-Length; another reader may have more.
	m, err := io.ReadFull(r.Body, buf[n:n+1])
	switch {
	case err == io.EOF:
		return buf, nil
	case err != nil:
		return nil, err
	}
	rest, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	return append(buf[:n+int64(m)], rest...), nil
}

// decodeJSON decodes exactly one JSON value, keeping numbers as
// json.Number so that gqlgen can tell Int from Float.
func decodeJSON(data []byte, v any) error {
	dec := gojson.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// operationType returns the type of the operation a request would run, or
// "" when the document does not parse or has no such operation (gqlgen
// then reports the problem properly).
func operationType(p *graphql.RawParams) ast.Operation {
	doc, err := parser.ParseQuery(&ast.Source{Input: p.Query})
	if err != nil {
		return ""
	}
	op := doc.Operations.ForName(p.OperationName)
	if op == nil {
		return ""
	}
	return op.Operation
}

func writeRequestError(w http.ResponseWriter, media string, e *requestError) {
	writeJSON(w, media, e.status, errorsOnly{Errors: gqlerror.List{{
		Message:    e.msg,
		Extensions: map[string]any{"code": codeBadRequest},
	}}})
}

func writeJSON(w http.ResponseWriter, media string, status int, v any) {
	httpx.WriteJSON(w, status, media+"; charset=utf-8", v)
}

func writeBody(w http.ResponseWriter, media string, status int, b []byte) {
	httpx.WriteBody(w, status, media+"; charset=utf-8", b)
}
