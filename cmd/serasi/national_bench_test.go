package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/boundaries/boundariestest"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/geobuild"
	"github.com/serasi/serasi/internal/store/memory"
)

// BenchmarkStartNational starts the real binary (`serasi serve --data-dir`)
// on a data directory holding the imported national boundaries (all
// 83,190 kelurahan and desa) and 100,000 projects, until it listens, and
// reports the median start-up time and the resident memory of the server
// process after its first kelurahanAt (VmRSS) and at its peak (VmHWM).
// Targets (issue 14): start-up ≤ 10 s, resident memory ≤ 1 GB.
//
//	go test ./cmd/serasi -run '^$' -bench StartNational -benchtime 5x
func BenchmarkStartNational(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "serasi")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	dir := nationalDataDir(b, 100_000)

	var starts, rss, hwm []float64
	for b.Loop() {
		start := time.Now()
		srv := startServe(b, bin, dir)
		starts = append(starts, time.Since(start).Seconds())
		var got struct {
			KelurahanAt struct{ Code string }
			Projects    struct{ TotalCount int }
		}
		gql(b, srv.url, "", `{ kelurahanAt(lon: 106.8272, lat: -6.1754) { code } projects(first: 1) { totalCount } }`, nil, &got)
		if got.KelurahanAt.Code != "31.71.01.1001" || got.Projects.TotalCount < 100_000 {
			b.Fatalf("the server does not answer from the national set: %+v", got)
		}
		r, h := memoryOf(b, srv.cmd.Process.Pid)
		rss, hwm = append(rss, r), append(hwm, h)
		srv.stop(b)
	}
	b.ReportMetric(median(starts), "s/start")
	b.ReportMetric(median(rss), "MB-RSS")
	b.ReportMetric(median(hwm), "MB-peakRSS")
}

// nationalDataDir makes a data directory with the national boundaries
// imported and the embedded program data plus n synthetic projects seeded.
func nationalDataDir(b *testing.B, n int) string {
	b.Helper()
	set := boundariestest.National(b)
	dir := filepath.Join(b.TempDir(), "data")
	if _, err := memory.ImportBoundaries(dir, set); err != nil {
		b.Fatal(err)
	}
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		b.Fatal(err)
	}
	overlay := fstest.MapFS{}
	err = fs.WalkDir(geodata.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(geodata.FS, name)
		overlay[name] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	var projects bytes.Buffer
	if err := dataset.WriteProjects(&projects, append(ds.Projects, geobuild.SyntheticProjects(ds, n, 1)...)); err != nil {
		b.Fatal(err)
	}
	overlay[dataset.ProjectsFile] = &fstest.MapFile{Data: projects.Bytes()}
	st, err := memory.Open(overlay, dir) // the first start seeds the data file
	if err != nil {
		b.Fatal(err)
	}
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	return dir
}

// memoryOf returns the resident and peak resident memory of a process, MB.
func memoryOf(b *testing.B, pid int) (rss, hwm float64) {
	b.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && (f[0] == "VmRSS:" || f[0] == "VmHWM:") {
			kb, _ := strconv.ParseFloat(f[1], 64)
			if f[0] == "VmRSS:" {
				rss = kb / 1024
			} else {
				hwm = kb / 1024
			}
		}
	}
	return rss, hwm
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
