package ogcapi_test

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/geobuild"
	"github.com/serasi/serasi/internal/mirror"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
)

// ogrinfo runs GDAL's ogrinfo. Without it the test is skipped on a
// developer machine, but fails in CI (CI=true), where gdal-bin is installed
// on purpose: a silently skipped interoperability test proves nothing.
func ogrinfo(t *testing.T, args ...string) string {
	t.Helper()
	return ogrinfoWithin(t, 2*time.Minute, args...)
}

// ogrinfoWithin is ogrinfo with a deadline of its own.
func ogrinfoWithin(t *testing.T, timeout time.Duration, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("ogrinfo")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ogrinfo not found; CI must install gdal-bin")
		}
		t.Skip("ogrinfo not installed (apt-get install gdal-bin)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	// Loopback never goes through a proxy the environment may set.
	cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1", "no_proxy=127.0.0.1", "GDAL_HTTP_TIMEOUT=30")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

var (
	layerNameRE = regexp.MustCompile(`(?m)^Layer name: (\S+)`)
	countRE     = regexp.MustCompile(`(?m)^Feature Count: (\d+)`)
)

// summaries parses "Layer name" and "Feature Count" pairs of ogrinfo -so.
func summaries(t *testing.T, out string) map[string]int {
	t.Helper()
	names := layerNameRE.FindAllStringSubmatch(out, -1)
	counts := countRE.FindAllStringSubmatch(out, -1)
	if len(names) != len(counts) {
		t.Fatalf("%d layers but %d feature counts in:\n%s", len(names), len(counts), out)
	}
	got := map[string]int{}
	for i, n := range names {
		c, _ := strconv.Atoi(counts[i][1])
		got[n[1]] = c
	}
	return got
}

func TestGDAL(t *testing.T) {
	s := newStore(t)
	srv := newServer(t, s)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server at %s, not on 127.0.0.1", srv.URL)
	}
	want := storeCounts(t, s)
	api := "OAPIF:" + srv.URL + "/ogcapi"

	t.Run("all collections", func(t *testing.T) {
		got := summaries(t, ogrinfo(t, "-ro", "-al", "-so", api))
		t.Logf("ogrinfo feature counts %v, store %v", got, want)
		if len(got) != len(want) {
			t.Errorf("ogrinfo lists %v, want %v", got, want)
		}
		for name, n := range want {
			if got[name] != n {
				t.Errorf("%s: ogrinfo counts %d features, the store %d", name, got[name], n)
			}
		}
	})
	for name, n := range want {
		t.Run(name, func(t *testing.T) {
			got := summaries(t, ogrinfo(t, "-ro", "-so", api, name))
			if got[name] != n {
				t.Errorf("ogrinfo counts %d features, the store %d", got[name], n)
			}
			// Reading every feature makes GDAL page through next links.
			all := ogrinfo(t, "-ro", "-q", api, name)
			if read := strings.Count(all, "OGRFeature("+name+")"); read != n {
				t.Errorf("ogrinfo read %d features, the store has %d", read, n)
			}
		})
	}
}

// TestGDALPagesToTheEnd reads the projects collection of a large store
// with ogrinfo, which follows the next links (cursors) to the end: every
// feature once. SERASI_GDAL_PROJECTS sets the number of synthetic projects
// added to the sample (default 5,000, which keeps CI bounded; the measured
// run used 100,000).
func TestGDALPagesToTheEnd(t *testing.T) {
	n := 5000
	if v := os.Getenv("SERASI_GDAL_PROJECTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 0 {
			t.Fatalf("SERASI_GDAL_PROJECTS=%q", v)
		}
	}
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	ds.Projects = append(ds.Projects, geobuild.SyntheticProjects(ds, n, 1)...)
	want := len(ds.Projects)
	mem := memory.NewFromDataset(ds)
	copy, err := mirror.New(context.Background(), mem, mirror.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// From the store alone and from the in-process copy, as serve answers.
	for name, s := range map[string]store.Store{"store": mem, "copy": copy.Wrap(mem)} {
		t.Run(name, func(t *testing.T) {
			srv := newServer(t, s)
			start := time.Now()
			out := ogrinfoWithin(t, 2*time.Minute+time.Duration(n)*10*time.Millisecond,
				"-ro", "-q", "-oo", "PAGE_SIZE=1000", "OAPIF:"+srv.URL+"/ogcapi", "projects")
			seen := map[string]int{}
			for _, m := range idRE.FindAllStringSubmatch(out, -1) {
				seen[m[1]]++
			}
			read := strings.Count(out, "OGRFeature(projects)")
			t.Logf("ogrinfo read %d features (%d distinct ids) of %d in %s", read, len(seen), want, time.Since(start).Round(time.Millisecond))
			if read != want || len(seen) != want {
				t.Errorf("ogrinfo read %d features, %d distinct; the store has %d", read, len(seen), want)
			}
			for id, k := range seen {
				if k != 1 {
					t.Errorf("feature %s read %d times", id, k)
				}
			}
		})
	}
}

// idRE finds the id field of each feature ogrinfo prints.
var idRE = regexp.MustCompile(`(?m)^\s+id \(String\) = (\S+)`)
