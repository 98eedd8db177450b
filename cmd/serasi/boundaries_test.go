package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportBoundariesCLI runs `serasi import boundaries` on the shared
// Baubau file into a data directory (twice: the second changes nothing),
// then serves from it.
func TestImportBoundariesCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	const source = "../../../shared/data/baubau-kelurahan.geojson"
	if _, err := os.Stat(source); err != nil {
		t.Skipf("shared source %s is missing", source)
	}
	bin := filepath.Join(t.TempDir(), "serasi")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := filepath.Join(t.TempDir(), "data")
	run := func(args ...string) (string, error) {
		cmd := exec.Command(bin, append([]string{"import", "boundaries"}, args...)...)
		cmd.Env = append(os.Environ(), "DATABASE_URL=")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	out, err := run(source, "--data-dir", dir, "--dry-run")
	if err != nil || !strings.Contains(out, "dry run: nothing written") || !strings.Contains(out, "43 kelurahan/desa") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "boundaries.bin")); err == nil {
		t.Fatal("a dry run wrote the boundary file")
	}
	out, err = run(source, "--data-dir", dir)
	if err != nil || !strings.Contains(out, "wrote ") || !strings.Contains(out, "derived from their children") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, err = run("--data-dir", dir, source)
	if err != nil || !strings.Contains(out, "nothing changed") {
		t.Fatalf("second import: %v\n%s", err, out)
	}
	if out, err := run(filepath.Join(t.TempDir(), "none.geojson"), "--data-dir", dir); err == nil {
		t.Fatalf("a missing path imported:\n%s", out)
	}

	// generate spreads over the imported boundaries.
	points := filepath.Join(t.TempDir(), "points.txt")
	gen, err := exec.Command(bin, "generate", "--points", "--count", "100", "--data-dir", dir, "--out", points).CombinedOutput()
	if err != nil || !strings.Contains(string(gen), "wrote 100 request points over 43 kelurahan") {
		t.Fatalf("generate --points: %v\n%s", err, gen)
	}
	if b, _ := os.ReadFile(points); strings.Count(string(b), "\n") != 100 || !strings.HasPrefix(string(b), "122.") {
		t.Errorf("points file:\n%.200s", b)
	}
	if gen, err := exec.Command(bin, "generate", "--count", "10", "--data-dir", t.TempDir(), "--out", points).CombinedOutput(); err == nil {
		t.Errorf("generate from a data directory without boundaries:\n%s", gen)
	}

	srv := startServe(t, bin, dir)
	defer srv.stop(t)
	var got struct {
		KabupatenKota struct {
			Derived    bool
			Kecamatans []struct{ Code string }
		}
		Kelurahan struct{ Jenis string }
	}
	gql(t, srv.url, "", `{ kabupatenKota(code: "74.72") { derived kecamatans { code } } kelurahan(code: "74.72.02.1001") { jenis } }`, nil, &got)
	if !got.KabupatenKota.Derived || len(got.KabupatenKota.Kecamatans) != 8 || got.Kelurahan.Jenis != "KELURAHAN" {
		t.Errorf("served from the imported Baubau file: %+v", got)
	}
}
