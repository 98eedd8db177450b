package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	coderws "github.com/coder/websocket"

	"github.com/serasi/serasi/internal/store/postgis/postgistest"
)

// benchFleet builds the binary and serves a writer and a reader over one
// seeded PostGIS; it returns their URLs and an editor token.
func benchFleet(b *testing.B, readerArgs ...string) (writer, reader *served, token string) {
	b.Helper()
	dbURL := postgistest.NewSeeded(b)
	bin := filepath.Join(b.TempDir(), "serasi")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	env := []string{"DATABASE_URL=" + dbURL}
	token = pgToken(b, bin, env)
	writer = startServeWith(b, bin, env)
	reader = startServeWith(b, bin, env, readerArgs...)
	b.Cleanup(func() { writer.stop(b); reader.stop(b) })
	return writer, reader, token
}

// wsSubscribe opens a graphql-transport-ws connection to url with one
// changes subscription and returns a channel of the record ids it
// receives.
func wsSubscribe(ctx context.Context, url string) (<-chan string, error) {
	conn, _, err := coderws.Dial(ctx, strings.Replace(url, "http://", "ws://", 1)+"/graphql",
		&coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return nil, err
	}
	write := func(v any) error {
		b, _ := json.Marshal(v)
		return conn.Write(ctx, coderws.MessageText, b)
	}
	if err := write(map[string]any{"type": "connection_init"}); err != nil {
		return nil, err
	}
	if _, _, err := conn.Read(ctx); err != nil { // connection_ack
		return nil, err
	}
	err = write(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query": `subscription { changes(filter: {layers: [PROJECTS]}) { recordId } }`}})
	if err != nil {
		return nil, err
	}
	ids := make(chan string, 64)
	go func() {
		defer close(ids)
		defer conn.CloseNow()
		for {
			_, b, err := conn.Read(ctx)
			if err != nil {
				return
			}
			var m struct {
				Type    string
				Payload struct {
					Data struct{ Changes struct{ RecordID string } }
				}
			}
			if json.Unmarshal(b, &m) == nil && m.Type == "next" {
				ids <- m.Payload.Data.Changes.RecordID
			} else if m.Type == "ping" {
				_ = write(map[string]any{"type": "pong"})
			}
		}
	}()
	return ids, nil
}

func percentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// BenchmarkPropagation: a project written through one instance, seen by a
// WebSocket subscriber of another over the same PostGIS; each iteration is
// one write. It reports the time from sending the mutation to the event,
// p50 and p99 (goal 100 ms and 1 s), and from the mutation's answer.
//
//	scripts/pgtest run -- go test -run x -bench Propagation -benchtime 200x ./cmd/serasi/
func BenchmarkPropagation(b *testing.B) {
	writer, reader, token := benchFleet(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ids, err := wsSubscribe(ctx, reader.url)
	if err != nil {
		b.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	var sent, acked []time.Duration
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		id, err := createProject(writer.url, token, fmt.Sprintf("Tugu rambat %d", i))
		if err != nil {
			b.Fatal(err)
		}
		ack := time.Now()
		for got := range ids {
			if got == id {
				break
			}
		}
		now := time.Now()
		sent = append(sent, now.Sub(start))
		acked = append(acked, now.Sub(ack))
	}
	b.StopTimer()
	b.ReportMetric(float64(percentile(sent, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(sent, 0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(percentile(acked, 0.5).Microseconds())/1000, "p50-after-answer-ms")
	b.ReportMetric(float64(percentile(acked, 0.99).Microseconds())/1000, "p99-after-answer-ms")
}

// BenchmarkFanout: 1,000 WebSocket subscribers of one instance, one
// project written through another; each iteration is one write, timed
// until the last subscriber has it.
//
//	scripts/pgtest run -- go test -run x -bench Fanout -benchtime 20x ./cmd/serasi/
func BenchmarkFanout(b *testing.B) {
	const subscribers = 1000
	writer, reader, token := benchFleet(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var subs []<-chan string
	for range subscribers {
		ids, err := wsSubscribe(ctx, reader.url)
		if err != nil {
			b.Fatal(err)
		}
		subs = append(subs, ids)
	}
	time.Sleep(time.Second)
	var lasts, firsts []time.Duration
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		id, err := createProject(writer.url, token, fmt.Sprintf("Tugu sebar %d", i))
		if err != nil {
			b.Fatal(err)
		}
		var mu sync.Mutex
		var first, last time.Duration
		var wg sync.WaitGroup
		for _, ids := range subs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for got := range ids {
					if got == id {
						break
					}
				}
				d := time.Since(start)
				mu.Lock()
				if first == 0 || d < first {
					first = d
				}
				last = max(last, d)
				mu.Unlock()
			}()
		}
		wg.Wait()
		lasts = append(lasts, last)
		firsts = append(firsts, first)
	}
	b.StopTimer()
	b.ReportMetric(float64(percentile(lasts, 0.5).Microseconds())/1000, "last-p50-ms")
	b.ReportMetric(float64(percentile(lasts, 0.99).Microseconds())/1000, "last-max-ms")
	b.ReportMetric(float64(percentile(firsts, 0.5).Microseconds())/1000, "first-p50-ms")
}
