package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
)

// slowPing makes /readyz take a while, to have a request in flight during
// shutdown.
type slowPing struct {
	store.Store
	started chan struct{}
}

func (s slowPing) Ping(ctx context.Context) error {
	close(s.started)
	time.Sleep(300 * time.Millisecond)
	return nil
}

func TestGracefulShutdown(t *testing.T) {
	mem, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	st := slowPing{Store: mem, started: make(chan struct{})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- server.New(server.Config{ShutdownTimeout: 5 * time.Second}, st, nil).Serve(ctx, ln) }()

	url := "http://" + ln.Addr().String()
	type result struct {
		status int
		body   string
		err    error
	}
	inflight := make(chan result, 1)
	go func() {
		res, err := http.Get(url + "/readyz")
		if err != nil {
			inflight <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		inflight <- result{status: res.StatusCode, body: string(b)}
	}()
	<-st.started
	cancel()

	r := <-inflight
	if r.err != nil || r.status != http.StatusOK {
		t.Errorf("the in-flight request got %d %q %v; want it to finish with 200", r.status, r.body, r.err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve returned %v after a graceful shutdown", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after the context was cancelled")
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Error("the server still accepts connections after shutdown")
	}
}
