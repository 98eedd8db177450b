// Command httpbaseline is the yardstick of scripts/load: a bare net/http
// handler that answers every request with a fixed JSON body shaped like a
// kelurahanAt answer. serasi's own throughput is reported as a ratio of it.
//
// --work makes each request also spend that much CPU time in a busy loop
// first: a handler that does a known amount of work and nothing else, to
// see how latency under load grows with work per request alone.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

const body = `{"data":{"kelurahanAt":{"code":"74.72.02.1001","name":"Wale"}}}`

// sink keeps the busy loop from being optimised away.
var sink uint64

func main() {
	addr := flag.String("addr", "127.0.0.1:18081", "listen address")
	work := flag.Duration("work", 0, "busy CPU time per request, e.g. 10us (0: none)")
	flag.Parse()
	if *work < 0 || *work > time.Second {
		fmt.Fprintln(os.Stderr, "httpbaseline: --work must be between 0 and 1s")
		os.Exit(2)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Drain the request like a real handler must, so both servers do the same I/O.
		_, _ = io.Copy(io.Discard, r.Body)
		if *work > 0 {
			busy(*work)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	})
	if err := http.ListenAndServe(*addr, h); err != nil {
		fmt.Fprintln(os.Stderr, "httpbaseline:", err)
		os.Exit(1)
	}
}

// busy spins for d of wall time; it is preempted like any goroutine.
func busy(d time.Duration) {
	start := time.Now()
	for n := uint64(0); ; n++ {
		if n%64 == 0 && time.Since(start) >= d {
			sink += n
			return
		}
	}
}
