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
)

// ogrinfo runs GDAL's ogrinfo. Without it the test is skipped on a
// developer machine, but fails in CI (CI=true), where gdal-bin is installed
// on purpose: a silently skipped interoperability test proves nothing.
func ogrinfo(t *testing.T, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("ogrinfo")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ogrinfo not found; CI must install gdal-bin")
		}
		t.Skip("ogrinfo not installed (apt-get install gdal-bin)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
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
