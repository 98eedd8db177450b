package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/serasi/serasi/internal/boundaries/boundariestest"
	"github.com/serasi/serasi/internal/geobuild"
)

// BenchmarkServeGCNational runs two real servers (`serasi serve
// --data-dir`) on the national boundaries, one with GOGC=400 (how serve
// ran before it bounded the GC headroom by the live heap) and one as serve
// runs now, and sends both the same kelurahanAt stream (points inside a
// kelurahan drawn uniformly, as scripts/load/run --national) from 16
// clients, the two taking turns round by round. It reports each server's
// median CPU time per request (from /proc) and its peak resident memory.
//
//	go test ./cmd/serasi -run '^$' -bench ServeGCNational -benchtime 5x
func BenchmarkServeGCNational(b *testing.B) {
	const perRound, clients = 40_000, 16
	bin := buildServe(b)
	dir := nationalDataDir(b, 0)
	set := boundariestest.National(b)
	points := geobuild.RequestPoints(set.Kelurahans, 100_000, 1)

	servers := []struct {
		name string
		env  []string
		srv  *served
		cpu  []float64
	}{{name: "GOGC400", env: []string{"GOGC=400"}}, {name: "bounded", env: []string{"GOGC="}}}
	for i := range servers {
		d := dir
		if i > 0 { // one data directory per server: the store locks its own
			d = copyDir(b, dir)
		}
		servers[i].srv = startServeWith(b, bin, append([]string{"DATABASE_URL="}, servers[i].env...), "--data-dir", d)
		defer servers[i].srv.stop(b)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	next := 0
	round := func(url string) {
		var wg sync.WaitGroup
		start := next
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := c; i < perRound; i += clients {
					p := points[(start+i)%len(points)]
					body := fmt.Sprintf(`{"query":"query($lon:Float!,$lat:Float!){kelurahanAt(lon:$lon,lat:$lat){code name}}","variables":{"lon":%.6f,"lat":%.6f}}`, p[0], p[1])
					res, err := client.Post(url+"/graphql", "application/json", strings.NewReader(body))
					if err != nil {
						b.Error(err)
						return
					}
					data, _ := io.ReadAll(res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusOK || bytes.Contains(data, []byte(`"errors"`)) {
						b.Errorf("%d %s", res.StatusCode, data)
						return
					}
				}
			}()
		}
		wg.Wait()
	}
	for i := range servers { // warm both up to their steady heap
		round(servers[i].srv.url)
	}
	for b.Loop() {
		for i := range servers {
			s := &servers[i]
			t0 := cpuTicks(b, s.srv.cmd.Process.Pid)
			round(s.srv.url)
			t1 := cpuTicks(b, s.srv.cmd.Process.Pid)
			s.cpu = append(s.cpu, float64(t1-t0)/clockTicks*1e6/perRound)
		}
		next += perRound
	}
	for _, s := range servers {
		_, hwm := memoryOf(b, s.srv.cmd.Process.Pid)
		b.ReportMetric(median(s.cpu), "µs-cpu/req-"+s.name)
		b.ReportMetric(hwm, "MB-peakRSS-"+s.name)
	}
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat's CPU times (100 on
// every Linux architecture Go supports).
const clockTicks = 100

// cpuTicks is the user + system CPU time of a process, in clock ticks.
func cpuTicks(b *testing.B, pid int) int64 {
	b.Helper()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Skipf("no /proc: %v", err)
	}
	// The command name, in parentheses, may hold spaces: count from after it.
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+2:]))
	var utime, stime int64
	fmt.Sscan(f[11], &utime)
	fmt.Sscan(f[12], &stime)
	return utime + stime
}

// buildServe builds the serasi binary into a temporary directory.
func buildServe(b *testing.B) string {
	b.Helper()
	bin := b.TempDir() + "/serasi"
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// copyDir copies the files of dir into a new temporary directory.
func copyDir(b *testing.B, dir string) string {
	b.Helper()
	out := b.TempDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		data, err := os.ReadFile(dir + "/" + e.Name())
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(out+"/"+e.Name(), data, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	return out
}
