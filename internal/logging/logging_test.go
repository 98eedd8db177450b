package logging_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serasi/serasi/internal/logging"
)

// syncBuffer is a bytes.Buffer safe for the flushing goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func msgs(t *testing.T, out string) []string {
	t.Helper()
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var rec struct {
			Msg       string
			RequestID string `json:"request_id"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		if rec.Msg == "http request" {
			// An access line: named by its request id.
			got = append(got, rec.RequestID)
			continue
		}
		got = append(got, rec.Msg)
	}
	return got
}

func access(l *logging.Loggers, id string) {
	l.Access.Log(logging.Request{ID: id, Method: "GET", Path: "/", Status: 200})
}

func TestAccessBufferedOthersImmediate(t *testing.T) {
	var out syncBuffer
	l := logging.New(&out, time.Hour) // no timed flush during the test
	access(l, "a1")
	access(l, "a2")
	if s := out.String(); s != "" {
		t.Fatalf("access lines were written before a flush: %q", s)
	}
	l.Logger.Info("listening")
	if got := msgs(t, out.String()); strings.Join(got, ",") != "a1,a2,listening" {
		t.Fatalf("after a plain record: %v, want the buffered access lines first, in order", got)
	}
	access(l, "a3")
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if got := msgs(t, out.String()); strings.Join(got, ",") != "a1,a2,listening,a3" {
		t.Fatalf("after Close: %v", got)
	}
}

func TestAccessFlushedByInterval(t *testing.T) {
	var out syncBuffer
	l := logging.New(&out, 10*time.Millisecond)
	defer l.Close()
	access(l, "a1")
	deadline := time.Now().Add(5 * time.Second)
	for out.String() == "" {
		if time.Now().After(deadline) {
			t.Fatal("the access line was never flushed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := msgs(t, out.String()); len(got) != 1 || got[0] != "a1" {
		t.Fatalf("got %v", got)
	}
}

func TestWithAttrsKeepsFlushing(t *testing.T) {
	var out syncBuffer
	l := logging.New(&out, time.Hour)
	defer l.Close()
	l.Logger.With("k", "v").WithGroup("g").Warn("w")
	if !strings.Contains(out.String(), `"k":"v"`) {
		t.Fatalf("a derived logger's record was not written at once: %q", out.String())
	}
}
