package export_test

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/export"
	"github.com/serasi/serasi/internal/importer"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store/memory"
)

// ogrinfo runs GDAL's ogrinfo: skipped without it on a developer machine,
// a failure under CI=true, where gdal-bin is installed on purpose.
func ogrinfo(t *testing.T, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("ogrinfo")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ogrinfo not found; CI must install gdal-bin")
		}
		t.Skip("ogrinfo not installed (apt-get install gdal-bin)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

var countRE = regexp.MustCompile(`(?m)^Feature Count: (\d+)`)

func TestGDALOpensEveryExport(t *testing.T) {
	s, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	dir := t.TempDir()
	for _, layer := range importer.Layers {
		f, err := layers.ParseFilters(string(layer), url.Values{})
		if err != nil {
			t.Fatal(err)
		}
		want := count(t, s, layer)
		for _, format := range export.Formats {
			t.Run(string(layer)+"."+string(format), func(t *testing.T) {
				var buf bytes.Buffer
				if err := export.Write(ctx, s, &buf, layer, format, f); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(dir, string(layer)+"."+string(format))
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				out := ogrinfo(t, "-ro", "-so", "-al", path)
				m := countRE.FindStringSubmatch(out)
				if m == nil {
					t.Fatalf("no feature count in:\n%s", out)
				}
				if n, _ := strconv.Atoi(m[1]); n != want {
					t.Errorf("ogrinfo counts %d features, want %d:\n%s", n, want, out)
				}
				if format == export.GPKG {
					if !strings.Contains(out, "EPSG") && !strings.Contains(out, "WGS 84") {
						t.Errorf("no WGS 84 in:\n%s", out)
					}
					full := ogrinfo(t, "-ro", "-al", "-fid", "1", path)
					if !strings.Contains(full, "kode (String)") || !strings.Contains(full, "POINT") && !strings.Contains(full, "LINESTRING") && !strings.Contains(full, "POLYGON") {
						t.Errorf("first feature lacks its fields or geometry:\n%s", full)
					}
				}
			})
		}
	}
}
