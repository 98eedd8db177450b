// Command httpbaseline is the yardstick of scripts/load: a bare net/http
// handler that answers every request with a fixed JSON body shaped like a
// kelurahanAt answer. serasi's own throughput is reported as a ratio of it.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
)

const body = `{"data":{"kelurahanAt":{"code":"74.72.02.1001","name":"Wale"}}}`

func main() {
	addr := flag.String("addr", "127.0.0.1:18081", "listen address")
	flag.Parse()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Drain the request like a real handler must, so both servers do the same I/O.
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	})
	if err := http.ListenAndServe(*addr, h); err != nil {
		fmt.Fprintln(os.Stderr, "httpbaseline:", err)
		os.Exit(1)
	}
}
