package servertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	coderws "github.com/coder/websocket"
	"github.com/paulmach/orb"

	"github.com/serasi/serasi/graph"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/httpx"
	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/store"
)

// SubscriptionStores are the stores of two instances over the same data:
// changes are written through Writer and subscribed to on a server over
// Reader. Shorten returns a writer of the same data whose writes keep
// changes for a millisecond only, dropping the feed's older ones.
type SubscriptionStores struct {
	Writer, Reader store.ReadWriter
	Shorten        func(t *testing.T) store.ReadWriter
}

// RunSubscriptions runs the tests of the changes subscription (WebSocket
// and SSE) against servers over stores made by newStores; each call must
// return stores of their own, with the sample data, that may be written.
func RunSubscriptions(t *testing.T, newStores func(t *testing.T) SubscriptionStores) {
	groups := []struct {
		name string
		run  func(t *testing.T, st SubscriptionStores)
	}{
		{"DeliversInOrder", testSubDeliversInOrder},
		{"Filters", testSubFilters},
		{"Resume", testSubResume},
		{"PastRetention", testSubPastRetention},
		{"Limits", testSubLimits},
		{"SlowConsumer", testSubSlowConsumer},
		{"Auth", testSubAuth},
		{"SSE", testSubSSE},
		{"FreshRelations", testSubFreshRelations},
		{"Shutdown", testSubShutdown},
		{"PingPong", testSubPingPong},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { g.run(t, newStores(t)) })
	}
}

var subEditor = domain.Actor{TokenID: "tokservertest", Name: "servertest", Role: domain.RoleEditor}

// serveFleet serves st on a loopback port with the real Serve (so that
// it follows the change feed) and returns its base URL.
func serveFleet(t *testing.T, st store.Store, cfg server.Config) string {
	t.Helper()
	base, _ := serveStoppable(t, st, cfg)
	return base
}

// serveStoppable is serveFleet with a stop that shuts the server down
// and returns how long that took.
func serveStoppable(t *testing.T, st store.Store, cfg server.Config) (string, func() time.Duration) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ChangePoll == 0 {
		cfg.ChangePoll = 200 * time.Millisecond
	}
	cfg.ShutdownTimeout = 2 * time.Second
	srv := server.New(cfg, st, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	var once sync.Once
	var took time.Duration
	stop := func() time.Duration {
		once.Do(func() {
			start := time.Now()
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
			took = time.Since(start)
		})
		return took
	}
	t.Cleanup(func() { stop() })
	return "http://" + ln.Addr().String(), stop
}

const changeFields = `cursor operation recordType recordId version at oldBbox newBbox
	record { __typename ... on Project { projectId title version kelurahan { code } } ... on Forum { forumId name } ... on Activity { activityId } }`

const changesSub = `subscription($filter: ChangeFilter, $since: String) { changes(filter: $filter, since: $since) { ` + changeFields + ` } }`

// change is one event as the tests read it.
type change struct {
	Cursor     string    `json:"cursor"`
	Operation  string    `json:"operation"`
	RecordType string    `json:"recordType"`
	RecordID   string    `json:"recordId"`
	Version    int       `json:"version"`
	OldBbox    []float64 `json:"oldBbox"`
	NewBbox    []float64 `json:"newBbox"`
	Record     *struct {
		Typename  string `json:"__typename"`
		ProjectID string `json:"projectId"`
		Title     string `json:"title"`
		Version   int    `json:"version"`
		Kelurahan *struct {
			Code string `json:"code"`
		} `json:"kelurahan"`
	} `json:"record"`
}

// wsClient speaks graphql-transport-ws.
type wsClient struct {
	t    *testing.T
	conn *coderws.Conn
	ctx  context.Context
	n    int
	// A goroutine reads: coder/websocket closes the connection when a
	// Read's context ends, which quiet must not do.
	msgs chan []byte
	err  error // once msgs is closed
	// mute leaves the server's pings unanswered (set before any ping).
	mute  atomic.Bool
	pings atomic.Int32
}

type wsMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// dialWS connects and sends connection_init with payload; it returns the
// client and, when the server refused, the close error instead.
func dialWS(t *testing.T, base string, header http.Header, payload map[string]any) (*wsClient, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	conn, _, err := coderws.Dial(ctx, strings.Replace(base, "http", "ws", 1)+"/graphql",
		&coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: header})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	conn.SetReadLimit(16 << 20)
	t.Cleanup(func() { conn.CloseNow() })
	c := &wsClient{t: t, conn: conn, ctx: ctx, msgs: make(chan []byte, 1000)}
	go func() {
		defer close(c.msgs)
		for {
			_, b, err := conn.Read(ctx)
			if err != nil {
				c.err = err
				return
			}
			// Pings are answered here, whatever the test is waiting for.
			var m wsMsg
			if json.Unmarshal(b, &m) == nil && m.Type == "ping" {
				c.pings.Add(1)
				if !c.mute.Load() {
					pong, _ := json.Marshal(wsMsg{Type: "pong"})
					_ = conn.Write(ctx, coderws.MessageText, pong)
				}
				continue
			}
			c.msgs <- b
		}
	}()
	p, _ := json.Marshal(payload)
	c.send(wsMsg{Type: "connection_init", Payload: p})
	m, err := c.read()
	if err != nil {
		return nil, err
	}
	if m.Type != "connection_ack" {
		t.Fatalf("after connection_init: %s %s, want connection_ack", m.Type, m.Payload)
	}
	return c, nil
}

func (c *wsClient) send(m wsMsg) {
	c.t.Helper()
	b, _ := json.Marshal(m)
	if err := c.conn.Write(c.ctx, coderws.MessageText, b); err != nil {
		c.t.Fatalf("websocket write: %v", err)
	}
}

// read returns the next message that is not a ping (answered) or pong.
func (c *wsClient) read() (wsMsg, error) {
	for {
		var b []byte
		select {
		case msg, ok := <-c.msgs:
			if !ok {
				return wsMsg{}, c.err
			}
			b = msg
		case <-time.After(10 * time.Second):
			return wsMsg{}, errors.New("no message within 10 s")
		}
		var m wsMsg
		if err := json.Unmarshal(b, &m); err != nil {
			c.t.Fatalf("websocket message %s: %v", b, err)
		}
		switch m.Type {
		case "pong", "ka":
			continue
		}
		return m, nil
	}
}

// subscribe starts a changes subscription and returns its id.
func (c *wsClient) subscribe(vars map[string]any) string {
	c.t.Helper()
	c.n++
	id := fmt.Sprint(c.n)
	p, _ := json.Marshal(map[string]any{"query": changesSub, "variables": vars})
	c.send(wsMsg{ID: id, Type: "subscribe", Payload: p})
	return id
}

// result is a next message's payload.
type result struct {
	Data struct {
		Changes *change `json:"changes"`
	} `json:"data"`
	Errors []GQLError `json:"errors"`
}

// next reads the next result of any subscription.
func (c *wsClient) next() (string, result) {
	c.t.Helper()
	m, err := c.read()
	if err != nil {
		c.t.Fatalf("websocket read: %v", err)
	}
	if m.Type != "next" {
		c.t.Fatalf("got %s %s, want next", m.Type, m.Payload)
	}
	var r result
	if err := json.Unmarshal(m.Payload, &r); err != nil {
		c.t.Fatal(err)
	}
	return m.ID, r
}

// change reads the next change, failing on an error.
func (c *wsClient) change() change {
	c.t.Helper()
	_, r := c.next()
	if len(r.Errors) > 0 || r.Data.Changes == nil {
		c.t.Fatalf("got errors %+v, want a change", r.Errors)
	}
	return *r.Data.Changes
}

// quiet checks that nothing arrives for d.
func (c *wsClient) quiet(d time.Duration) {
	c.t.Helper()
	timeout := time.After(d)
	for {
		select {
		case b, ok := <-c.msgs:
			if !ok {
				c.t.Fatalf("connection closed (%v), want it quiet", c.err)
			}
			var m wsMsg
			_ = json.Unmarshal(b, &m)
			if m.Type != "ping" && m.Type != "pong" {
				c.t.Fatalf("got %s, want nothing for %s", b, d)
			}
		case <-timeout:
			return
		}
	}
}

func monumentAt(title string, p orb.Point) domain.ProjectInput {
	return domain.ProjectInput{Title: title, Kind: domain.HarmonyMonument, Geometry: p,
		Year: 2024, Status: domain.ProjectPlanned}
}

var (
	walePoint = orb.Point{waleLon, waleLat}
	// A point of Baubau far from Wale (kelurahan Kampeonaho, in the east).
	farPoint = orb.Point{122.6540, -5.4930}
)

func createMonument(t *testing.T, st store.ReadWriter, title string, p orb.Point) domain.Project {
	t.Helper()
	pr, err := st.CreateProject(context.Background(), subEditor, monumentAt(title, p))
	if err != nil {
		t.Fatalf("create %s: %v", title, err)
	}
	return pr
}

func testSubDeliversInOrder(t *testing.T, st SubscriptionStores) {
	base := serveFleet(t, st.Reader, server.Config{})
	c, err := dialWS(t, base, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.subscribe(nil)
	time.Sleep(100 * time.Millisecond) // the subscription is open once the server read it
	var want []string
	for i := range 3 {
		want = append(want, createMonument(t, st.Writer, fmt.Sprintf("Tugu urut %d", i), walePoint).ID)
	}
	p := want[1]
	got, err := st.Writer.UpdateProject(context.Background(), subEditor, p, 1, monumentAt("Tugu urut diubah", walePoint))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Writer.DeleteProject(context.Background(), subEditor, p, got.Version); err != nil {
		t.Fatal(err)
	}
	var seen []change
	for range 5 {
		seen = append(seen, c.change())
	}
	for i, id := range want {
		ch := seen[i]
		if ch.RecordID != id || ch.Operation != "CREATE" || ch.RecordType != "PROJECT" || ch.Version != 1 {
			t.Errorf("change %d: %+v, want CREATE PROJECT %s version 1", i, ch, id)
		}
		if ch.OldBbox != nil || len(ch.NewBbox) != 4 || ch.NewBbox[0] != walePoint[0] || ch.NewBbox[1] != walePoint[1] {
			t.Errorf("change %d: bboxes %v %v, want none and the point", i, ch.OldBbox, ch.NewBbox)
		}
		if i != 1 && (ch.Record == nil || ch.Record.Typename != "Project" || ch.Record.ProjectID != id ||
			ch.Record.Kelurahan == nil || ch.Record.Kelurahan.Code != waleCode) {
			t.Errorf("change %d: record %+v, want project %s in Wale", i, ch.Record, id)
		}
	}
	if u := seen[3]; u.Operation != "UPDATE" || u.RecordID != p || u.Version != 2 || len(u.OldBbox) != 4 {
		t.Errorf("change 3: %+v, want UPDATE of %s to version 2 with the old bbox", u, p)
	}
	if d := seen[4]; d.Operation != "DELETE" || d.RecordID != p || d.Record != nil || d.NewBbox != nil {
		t.Errorf("change 4: %+v, want DELETE of %s without a record or a new bbox", d, p)
	}
	for i := 1; i < len(seen); i++ {
		if seq(t, seen[i].Cursor) <= seq(t, seen[i-1].Cursor) {
			t.Errorf("cursors out of order: %s then %s", seen[i-1].Cursor, seen[i].Cursor)
		}
	}
}

// seq orders cursors; the test reads the opaque cursor only to compare.
func seq(t *testing.T, cursor string) int64 {
	t.Helper()
	n, err := graph.DecodeChangeCursor(cursor)
	if err != nil {
		t.Fatalf("cursor %q: %v", cursor, err)
	}
	return n
}

func testSubFilters(t *testing.T, st SubscriptionStores) {
	base := serveFleet(t, st.Reader, server.Config{})
	c, err := dialWS(t, base, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	subs := map[string]string{
		c.subscribe(map[string]any{"filter": map[string]any{"layers": []string{"FORUMS", "ACTIVITIES"}}}):      "forums",
		c.subscribe(map[string]any{"filter": map[string]any{"bbox": []float64{122.60, -5.46, 122.61, -5.45}}}): "bbox",
		c.subscribe(map[string]any{"filter": map[string]any{"kelurahanCodes": []string{waleCode}}}):            "wale",
		c.subscribe(map[string]any{"filter": map[string]any{"layers": []string{"PROJECTS"}, "kelurahanCodes": []string{waleCode},
			"bbox": []float64{122.60, -5.46, 122.61, -5.45}}}): "all",
	}
	time.Sleep(100 * time.Millisecond)
	far := createMonument(t, st.Writer, "Tugu jauh", farPoint)
	near := createMonument(t, st.Writer, "Tugu dekat", walePoint)
	// Moving the far one into Wale: its new bbox meets the filters.
	moved, err := st.Writer.UpdateProject(context.Background(), subEditor, far.ID, 1, monumentAt("Tugu pindah", walePoint))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for range 6 { // bbox, wale and all see near and moved
		id, r := c.next()
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", subs[id], r.Errors)
		}
		got[subs[id]] = append(got[subs[id]], fmt.Sprintf("%s@%d", r.Data.Changes.RecordID, r.Data.Changes.Version))
	}
	c.quiet(300 * time.Millisecond)
	want := []string{near.ID + "@1", moved.ID + "@2"}
	for _, name := range []string{"bbox", "wale", "all"} {
		if fmt.Sprint(got[name]) != fmt.Sprint(want) {
			t.Errorf("%s got %v, want %v", name, got[name], want)
		}
	}
	if len(got["forums"]) != 0 {
		t.Errorf("the forums and activities subscription got %v", got["forums"])
	}

	// Refusals are coded and name the argument.
	for _, tc := range []struct {
		vars  map[string]any
		field string
	}{
		{map[string]any{"filter": map[string]any{"kelurahanCodes": []string{"74.72.99.9999"}}}, "filter.kelurahanCodes"},
		{map[string]any{"filter": map[string]any{"bbox": []float64{1, 2, 3}}}, "filter.bbox"},
		{map[string]any{"filter": map[string]any{"bbox": []float64{123, -5, 122, -4}}}, "filter.bbox"},
		{map[string]any{"since": "not a cursor"}, "since"},
		{map[string]any{"since": graph.EncodeChangeCursor(1 << 40)}, "since"},
	} {
		id := c.subscribe(tc.vars)
		gotID, r := c.next()
		if gotID != id || len(r.Errors) == 0 || r.Errors[0].Extensions.Code != "BAD_USER_INPUT" || r.Errors[0].Extensions.Field != tc.field {
			t.Errorf("%v: %s %+v, want BAD_USER_INPUT on %s", tc.vars, gotID, r.Errors, tc.field)
		}
		if m, err := c.read(); err != nil || m.Type != "complete" || m.ID != id {
			t.Errorf("%v: after the error %+v %v, want complete", tc.vars, m, err)
		}
	}
}

func testSubResume(t *testing.T, st SubscriptionStores) {
	base := serveFleet(t, st.Reader, server.Config{})
	c, err := dialWS(t, base, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := c.subscribe(nil)
	time.Sleep(100 * time.Millisecond)
	first := createMonument(t, st.Writer, "Tugu sebelum putus", walePoint)
	ch := c.change()
	if ch.RecordID != first.ID {
		t.Fatalf("got %s, want %s", ch.RecordID, first.ID)
	}
	c.send(wsMsg{ID: id, Type: "complete"})
	c.conn.Close(coderws.StatusNormalClosure, "")

	// Written while the client was away, one with a project elsewhere.
	var missed []string
	for _, p := range []orb.Point{walePoint, farPoint, walePoint} {
		missed = append(missed, createMonument(t, st.Writer, "Tugu saat putus", p).ID)
	}
	// The reader's follower has them before the client comes back: they
	// come from the feed, not the hub.
	waitFor(t, func() bool {
		var n int
		page, err := st.Reader.(store.ChangeFeed).Changes(context.Background(), 0, 0)
		if err == nil {
			n = int(page.Latest)
		}
		return n >= int(seq(t, ch.Cursor))+3
	})
	time.Sleep(400 * time.Millisecond) // ChangePoll of the reader
	c2, err := dialWS(t, base, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	c2.subscribe(map[string]any{"since": ch.Cursor})
	c2.subscribe(map[string]any{"since": ch.Cursor, "filter": map[string]any{"kelurahanCodes": []string{waleCode}}})
	got := map[string][]string{}
	for range 5 {
		id, r := c2.next()
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		got[id] = append(got[id], r.Data.Changes.RecordID)
	}
	if fmt.Sprint(got["1"]) != fmt.Sprint(missed) {
		t.Errorf("resumed: got %v, want %v", got["1"], missed)
	}
	if want := []string{missed[0], missed[2]}; fmt.Sprint(got["2"]) != fmt.Sprint(want) {
		t.Errorf("resumed in Wale: got %v, want %v", got["2"], want)
	}
	// Then live, without a gap or a repeat.
	live := createMonument(t, st.Writer, "Tugu setelah sambung", walePoint)
	for range 2 {
		if ch := c2.change(); ch.RecordID != live.ID {
			t.Errorf("live after resume: got %s, want %s", ch.RecordID, live.ID)
		}
	}
	c2.quiet(200 * time.Millisecond)
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func testSubPastRetention(t *testing.T, st SubscriptionStores) {
	base := serveFleet(t, st.Reader, server.Config{})
	old := createMonument(t, st.Writer, "Tugu lama", walePoint)
	page, err := st.Writer.(store.ChangeFeed).Changes(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	_ = old
	cursor := graph.EncodeChangeCursor(page.Latest - 1)
	time.Sleep(5 * time.Millisecond)
	// Two writes with a millisecond's retention drop every change but the last.
	short := st.Shorten(t)
	createMonument(t, short, "Tugu baru", walePoint)
	time.Sleep(5 * time.Millisecond)
	createMonument(t, short, "Tugu baru lagi", walePoint)
	time.Sleep(400 * time.Millisecond)
	c, err := dialWS(t, base, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.subscribe(map[string]any{"since": cursor})
	_, r := c.next()
	if len(r.Errors) == 0 || r.Errors[0].Extensions.Code != "BAD_USER_INPUT" || r.Errors[0].Extensions.Field != "since" ||
		!strings.Contains(r.Errors[0].Message, "retention") {
		t.Errorf("since past retention: %+v, want BAD_USER_INPUT on since about retention", r.Errors)
	}
}

func testSubLimits(t *testing.T, st SubscriptionStores) {
	base := serveFleet(t, st.Reader, server.Config{Subscriptions: server.SubscriptionOptions{PerConn: 2, Max: 3}})
	c, err := dialWS(t, base, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The server runs a connection's subscribe messages concurrently: any
	// one of the three is refused.
	c.subscribe(nil)
	c.subscribe(nil)
	c.subscribe(nil)
	refused, r := c.next()
	if len(r.Errors) == 0 || r.Errors[0].Extensions.Code != "TOO_MANY_REQUESTS" ||
		!strings.Contains(r.Errors[0].Message, "per connection") {
		t.Fatalf("third subscription on one connection: %s %+v, want TOO_MANY_REQUESTS per connection", refused, r.Errors)
	}
	c.read() // complete
	open := "1"
	if refused == "1" {
		open = "2"
	}
	c2, err := dialWS(t, base, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	c2.subscribe(nil)
	c2.subscribe(nil)
	_, r = c2.next()
	if len(r.Errors) == 0 || r.Errors[0].Extensions.Code != "TOO_MANY_REQUESTS" ||
		!strings.Contains(r.Errors[0].Message, "this server") {
		t.Fatalf("fourth subscription on the instance: %+v, want TOO_MANY_REQUESTS for the instance", r.Errors)
	}
	c2.read() // complete
	// A finished subscription frees its place.
	c.send(wsMsg{ID: open, Type: "complete"})
	if m, err := c.read(); err != nil || m.Type != "complete" || m.ID != open {
		t.Fatalf("after complete: %+v %v, want complete", m, err)
	}
	c2.subscribe(nil)
	time.Sleep(100 * time.Millisecond)
	p := createMonument(t, st.Writer, "Tugu batas", walePoint)
	for _, cl := range []*wsClient{c, c2, c2} {
		if ch := cl.change(); ch.RecordID != p.ID {
			t.Errorf("got %s, want %s", ch.RecordID, p.ID)
		}
	}
}

func testSubSlowConsumer(t *testing.T, st SubscriptionStores) {
	base := serveFleet(t, st.Reader, server.Config{Subscriptions: server.SubscriptionOptions{Buffer: 2}})
	c, err := dialWS(t, base, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.subscribe(nil)
	time.Sleep(100 * time.Millisecond)
	// One batch: its changes reach the hub in one page, faster than any
	// client reads them.
	b, ok := st.Writer.(store.Batcher)
	if !ok {
		t.Skip("the store has no batches")
	}
	var items []store.BatchItem
	for i := range 50 {
		in := monumentAt(fmt.Sprintf("Tugu banyak %d", i), walePoint)
		in.ID = fmt.Sprintf("prj-lambat-%02d", i)
		items = append(items, store.BatchItem{Project: &in})
	}
	if _, err := b.ApplyBatch(context.Background(), subEditor, store.BatchMeta{Source: "lambat.csv"}, items); err != nil {
		t.Fatal(err)
	}
	var n int
	for {
		m, err := c.read()
		if err != nil {
			var ce coderws.CloseError
			if !errors.As(err, &ce) || ce.Code != server.CloseSlowConsumer || !strings.Contains(ce.Reason, "slow consumer") {
				t.Fatalf("after %d changes: %v, want close %d (slow consumer)", n, err, server.CloseSlowConsumer)
			}
			break
		}
		if m.Type == "next" {
			var r result
			_ = json.Unmarshal(m.Payload, &r)
			if len(r.Errors) > 0 {
				if e := r.Errors[0]; e.Extensions.Code != "UNAVAILABLE" {
					t.Errorf("last response: %+v, want UNAVAILABLE", e)
				}
				continue
			}
			n++
		}
	}
	if n >= 50 {
		t.Errorf("got all %d changes, want the subscriber dropped", n)
	}
	// The place is given back.
	waitFor(t, func() bool {
		c2, err := dialWS(t, base, nil, nil)
		if err != nil {
			return false
		}
		c2.conn.Close(coderws.StatusNormalClosure, "")
		return true
	})
}

func testSubAuth(t *testing.T, st SubscriptionStores) {
	_, tok, err := st.Writer.CreateToken(context.Background(), system, "pelanggan", domain.RoleViewer)
	if err != nil {
		t.Fatal(err)
	}
	base := serveFleet(t, st.Reader, server.Config{RequireTokenForReads: true,
		CORS: httpx.CORSOptions{Origins: []string{"http://peta.example"}}})
	closeCode := func(err error) coderws.StatusCode {
		var ce coderws.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		return -1
	}
	if _, err := dialWS(t, base, nil, nil); closeCode(err) != server.CloseUnauthorized {
		t.Errorf("no token: %v, want close %d", err, server.CloseUnauthorized)
	}
	if _, err := dialWS(t, base, nil, map[string]any{"Authorization": "Bearer tokbogus"}); closeCode(err) != server.CloseUnauthorized {
		t.Errorf("unknown token: %v, want close %d", err, server.CloseUnauthorized)
	}
	foreign := http.Header{"Origin": {"http://jahat.example"}}
	if _, err := dialWS(t, base, foreign, map[string]any{"Authorization": "Bearer " + tok}); closeCode(err) != server.CloseForbidden {
		t.Errorf("token from an unlisted origin: %v, want close %d", err, server.CloseForbidden)
	}
	listed := http.Header{"Origin": {"http://peta.example"}}
	for _, payload := range []map[string]any{{"Authorization": "Bearer " + tok}, {"token": tok}} {
		c, err := dialWS(t, base, listed, payload)
		if err != nil {
			t.Fatalf("%v: %v", payload, err)
		}
		c.subscribe(nil)
		time.Sleep(100 * time.Millisecond)
		p := createMonument(t, st.Writer, "Tugu bertoken", walePoint)
		if ch := c.change(); ch.RecordID != p.ID {
			t.Errorf("got %s, want %s", ch.RecordID, p.ID)
		}
	}
	// SSE takes the Authorization header, as every request.
	res := postSSE(t, base, "", changesSub, nil)
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("SSE without a token: %d, want 401", res.StatusCode)
	}
}

// postSSE opens an SSE subscription.
func postSSE(t *testing.T, base, token, query string, vars map[string]any) *http.Response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// sseEvents reads the events of an SSE response: (event, data) pairs.
func sseEvents(r *bufio.Reader) (string, string, error) {
	var event, data string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", "", err
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "":
			if event != "" || data != "" {
				return event, data, nil
			}
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			data += strings.TrimSpace(strings.TrimPrefix(line, "data:"))
		}
	}
}

func testSubSSE(t *testing.T, st SubscriptionStores) {
	base := serveFleet(t, st.Reader, server.Config{Subscriptions: server.SubscriptionOptions{Ping: 100 * time.Millisecond}})
	res := postSSE(t, base, "", changesSub, map[string]any{"filter": map[string]any{"layers": []string{"PROJECTS"}}})
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("SSE: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	time.Sleep(300 * time.Millisecond) // longer than the ping: comments are skipped
	var want []string
	for i := range 2 {
		want = append(want, createMonument(t, st.Writer, fmt.Sprintf("Tugu SSE %d", i), walePoint).ID)
	}
	r := bufio.NewReader(res.Body)
	var got []string
	for len(got) < 2 {
		ev, data, err := sseEvents(r)
		if err != nil {
			t.Fatalf("SSE read: %v (got %v)", err, got)
		}
		if ev != "next" {
			t.Fatalf("SSE event %q %s, want next", ev, data)
		}
		var res result
		if err := json.Unmarshal([]byte(data), &res); err != nil || res.Data.Changes == nil {
			t.Fatalf("SSE data %s: %v", data, err)
		}
		got = append(got, res.Data.Changes.RecordID)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("SSE got %v, want %v", got, want)
	}
	// A refusal is an event too, then complete.
	res2 := postSSE(t, base, "", changesSub, map[string]any{"since": "x"})
	r2 := bufio.NewReader(res2.Body)
	ev, data, err := sseEvents(r2)
	if err != nil || ev != "next" || !strings.Contains(data, "BAD_USER_INPUT") {
		t.Errorf("SSE bad since: %q %s %v, want a next event with BAD_USER_INPUT", ev, data, err)
	}
	if ev, _, err := sseEvents(r2); err != nil || ev != "complete" {
		t.Errorf("SSE after the error: %q %v, want complete", ev, err)
	}
}

// testSubFreshRelations: a connection lives for hours, so the relations
// of each event's record are read for that event, not cached from the
// first one.
func testSubFreshRelations(t *testing.T, st SubscriptionStores) {
	base := serveFleet(t, st.Reader, server.Config{})
	c, err := dialWS(t, base, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := json.Marshal(map[string]any{"query": `subscription { changes(filter: {layers: [PROJECTS]}) {
		recordId record { ... on Project { forum { name } } } } }`})
	c.send(wsMsg{ID: "1", Type: "subscribe", Payload: p})
	time.Sleep(100 * time.Millisecond)
	ctx := context.Background()
	in := monumentAt("Tugu forum", walePoint)
	in.ForumID = waleForum
	pr, err := st.Writer.CreateProject(ctx, subEditor, in)
	if err != nil {
		t.Fatal(err)
	}
	forumName := func() string {
		t.Helper()
		m, err := c.read()
		if err != nil || m.Type != "next" {
			t.Fatalf("%+v %v, want next", m, err)
		}
		var r struct {
			Data struct {
				Changes struct {
					Record struct{ Forum struct{ Name string } }
				}
			}
		}
		_ = json.Unmarshal(m.Payload, &r)
		return r.Data.Changes.Record.Forum.Name
	}
	before := forumName()
	f, err := st.Writer.Forum(ctx, waleForum)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Writer.UpdateForum(ctx, subEditor, f.ID, f.Version, domain.ForumInput{Name: f.Name + " Baru",
		KelurahanCodes: f.KelurahanCodes, YearFormed: f.YearFormed, Status: f.Status, MemberCount: f.MemberCount,
		Secretariat: f.Secretariat, Description: f.Description})
	if err != nil {
		t.Fatal(err)
	}
	in.Title = "Tugu forum diubah"
	if _, err := st.Writer.UpdateProject(ctx, subEditor, pr.ID, pr.Version, in); err != nil {
		t.Fatal(err)
	}
	if after := forumName(); before != f.Name || after != f.Name+" Baru" {
		t.Errorf("forum of the record: %q then %q, want %q then %q", before, after, f.Name, f.Name+" Baru")
	}
}

// testSubShutdown: on shutdown the subscriptions end at once, each with
// its reason (WebSocket close 1001; SSE a last UNAVAILABLE event, then
// complete), rather than holding the shutdown to its timeout.
func testSubShutdown(t *testing.T, st SubscriptionStores) {
	base, stop := serveStoppable(t, st.Reader, server.Config{})
	c, err := dialWS(t, base, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.subscribe(nil)
	res := postSSE(t, base, "", changesSub, nil)
	time.Sleep(200 * time.Millisecond)
	if took := stop(); took > time.Second {
		t.Errorf("shutdown took %s with subscriptions open, want well under the 2 s timeout", took)
	}
	var sawUnavailable bool
	for {
		m, err := c.read()
		if err != nil {
			var ce coderws.CloseError
			if !errors.As(err, &ce) || ce.Code != coderws.StatusGoingAway {
				t.Errorf("WebSocket at shutdown: %v, want close 1001", err)
			}
			break
		}
		sawUnavailable = sawUnavailable || (m.Type == "next" && strings.Contains(string(m.Payload), "SHUTDOWN"))
	}
	if !sawUnavailable {
		t.Error("the WebSocket subscription got no last UNAVAILABLE SHUTDOWN result")
	}
	r := bufio.NewReader(res.Body)
	ev, data, err := sseEvents(r)
	if err != nil || ev != "next" || !strings.Contains(data, "SHUTDOWN") || !strings.Contains(data, "UNAVAILABLE") {
		t.Errorf("SSE at shutdown: %q %s %v, want a next event with UNAVAILABLE SHUTDOWN", ev, data, err)
	}
	if ev, _, err := sseEvents(r); err != nil || ev != "complete" {
		t.Errorf("SSE after it: %q %v, want complete", ev, err)
	}
}

// testSubPingPong: the server pings; a client that answers stays, one
// that does not is closed after twice the interval.
func testSubPingPong(t *testing.T, st SubscriptionStores) {
	const ping = 100 * time.Millisecond
	base := serveFleet(t, st.Reader, server.Config{Subscriptions: server.SubscriptionOptions{Ping: ping}})
	alive, err := dialWS(t, base, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	mute, err := dialWS(t, base, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	mute.mute.Store(true)
	alive.subscribe(nil)
	mute.subscribe(nil)
	start := time.Now()
	if _, err := mute.read(); err == nil {
		t.Fatal("the client that never answers a ping got a message, want its connection closed")
	}
	if took := time.Since(start); took > 10*ping || mute.pings.Load() == 0 {
		t.Errorf("closed after %s and %d pings, want about %s", took, mute.pings.Load(), 2*ping)
	}
	time.Sleep(5 * ping)
	p := createMonument(t, st.Writer, "Tugu ping", walePoint)
	if ch := alive.change(); ch.RecordID != p.ID || alive.pings.Load() < 3 {
		t.Errorf("the answering client: %s after %d pings, want %s after several", ch.RecordID, alive.pings.Load(), p.ID)
	}
}
