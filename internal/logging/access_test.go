package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestAccessLine(t *testing.T) {
	var out bytes.Buffer
	a := NewAccessLog(&out)
	at := time.Date(2026, 11, 29, 15, 4, 5, 123456789, time.FixedZone("WITA", 8*3600))
	a.now = func() time.Time { return at }
	a.Log(Request{ID: "4c10-1", Method: "POST", Path: "/graphql", Status: 200, Bytes: 63,
		Duration: 47 * time.Microsecond, Remote: "127.0.0.1:58888"})
	a.Log(Request{ID: "x", Method: "GET", Path: "/a\"b\\c\n\x01\xff/é", Status: 404, Remote: "[::1]:1"})

	lines := strings.SplitAfter(out.String(), "\n")
	if len(lines) != 3 || lines[2] != "" {
		t.Fatalf("want two newline-terminated lines, got %q", out.String())
	}
	var rec map[string]any
	dec := json.NewDecoder(strings.NewReader(lines[0]))
	dec.UseNumber()
	if err := dec.Decode(&rec); err != nil {
		t.Fatalf("line 1 is not JSON: %v: %q", err, lines[0])
	}
	want := map[string]any{
		"time": "2026-11-29T15:04:05.123456789+08:00", "level": "INFO", "msg": "http request",
		"request_id": "4c10-1", "method": "POST", "path": "/graphql", "status": json.Number("200"),
		"bytes": json.Number("63"), "duration": json.Number("47000"), "remote": "127.0.0.1:58888",
	}
	if len(rec) != len(want) {
		t.Errorf("line 1 has keys %v, want %v", rec, want)
	}
	for k, v := range want {
		if rec[k] != v {
			t.Errorf("line 1: %s = %#v, want %#v", k, rec[k], v)
		}
	}
	var rec2 struct{ Path string }
	if err := json.Unmarshal([]byte(lines[1]), &rec2); err != nil {
		t.Fatalf("line 2 is not JSON: %v: %q", err, lines[1])
	}
	if want := "/a\"b\\c\n\x01\uFFFD/é"; rec2.Path != want {
		t.Errorf("escaped path read back as %q, want %q", rec2.Path, want)
	}
}

// The hand-made line must parse like what slog writes for the same record,
// key for key apart from the time, so one reader handles both.
func TestAccessLineMatchesSlog(t *testing.T) {
	r := Request{ID: "id", Method: "GET", Path: "/healthz", Status: 200, Bytes: 3, Duration: time.Millisecond, Remote: "10.0.0.1:5"}
	var ours, theirs bytes.Buffer
	NewAccessLog(&ours).Log(r)
	slog.New(slog.NewJSONHandler(&theirs, nil)).Info("http request",
		"request_id", r.ID, "method", r.Method, "path", r.Path, "status", r.Status,
		"bytes", r.Bytes, "duration", r.Duration, "remote", r.Remote)
	var a, b map[string]any
	if err := json.Unmarshal(ours.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(theirs.Bytes(), &b); err != nil {
		t.Fatal(err)
	}
	for _, m := range []map[string]any{a, b} {
		if _, err := time.Parse(time.RFC3339Nano, m["time"].(string)); err != nil {
			t.Fatalf("time: %v", err)
		}
		delete(m, "time")
	}
	if len(a) != len(b) {
		t.Fatalf("ours %v, slog %v", a, b)
	}
	for k := range b {
		if a[k] != b[k] {
			t.Errorf("%s: ours %#v, slog %#v", k, a[k], b[k])
		}
	}
}

// FuzzAppendString: any string comes back from encoding/json as itself,
// with each invalid UTF-8 byte read as U+FFFD.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "/graphql", "a\"b\\c", "\n\r\t\x00\x1f\x7f", "\xff\xfe", "é€𝄞", "\xe2\x82"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%q gave invalid JSON %q: %v", s, b, err)
		}
		var want strings.Builder
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			want.WriteRune(r) // RuneError for each invalid byte
			i += size
		}
		if got != want.String() {
			t.Fatalf("%q came back as %q, want %q", s, got, want.String())
		}
	})
}

// BenchmarkAccessLine measures one access line, against slog's JSON
// handler writing the same record.
func BenchmarkAccessLine(b *testing.B) {
	r := Request{ID: "4c100415093522eb-3svm", Method: "POST", Path: "/graphql", Status: 200,
		Bytes: 65, Duration: 47 * time.Microsecond, Remote: "127.0.0.1:58888"}
	b.Run("AccessLog", func(b *testing.B) {
		a := NewAccessLog(io.Discard)
		b.ReportAllocs()
		for b.Loop() {
			a.Log(r)
		}
	})
	b.Run("slog", func(b *testing.B) {
		l := slog.New(slog.NewJSONHandler(io.Discard, nil))
		b.ReportAllocs()
		for b.Loop() {
			l.LogAttrs(context.Background(), slog.LevelInfo, "http request",
				slog.String("request_id", r.ID), slog.String("method", r.Method),
				slog.String("path", r.Path), slog.Int("status", r.Status), slog.Int("bytes", r.Bytes),
				slog.Duration("duration", r.Duration), slog.String("remote", r.Remote))
		}
	})
}
