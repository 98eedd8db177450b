// Package nationaltest gives tests the national boundary data
// (../shared/data/national/wilayah-boundaries-geojson.tar.zst, see its
// README), unpacked once into a cache directory shared by every test
// package and run:
//
//	dir := nationaltest.Dir(t) // .../db_geojson with kel/, kec/, kab/, prov/
//
// Without the archive a test is skipped with a message saying where it was
// looked for, except under CI=true, where it fails: CI has the data and
// must never pass by skipping it. SERASI_NATIONAL_DATA names the archive
// (or the folder holding it) when it is elsewhere.
package nationaltest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const (
	// EnvPath names the archive or its folder.
	EnvPath = "SERASI_NATIONAL_DATA"
	// Archive is the archive's file name.
	Archive = "wilayah-boundaries-geojson.tar.zst"
	// SHA256 is the archive's digest, from the data README.
	SHA256 = "c30ded576804b0063e873412831d0782fc01ef54198422b0e3fd0af32d589914"
	// root is the folder of the GeoJSON files inside the archive.
	root = "indonesian_boundaries/db_geojson"
)

// Counts of the data, from its README; tests compare against them.
const (
	Kelurahans = 83_190
	Kecamatans = 7_275
	Kabupatens = 507
	Provinsis  = 31
	Vertices   = 8_684_510
)

var (
	once   sync.Once
	dir    string
	dirErr error
	absent string // why the archive was not found
)

// Dir returns the folder holding kel/, kec/, kab/ and prov/, unpacking the
// archive on first use. It skips t when the archive is absent (fails it
// under CI=true) and fails it when the archive is corrupt.
func Dir(t testing.TB) string {
	t.Helper()
	once.Do(func() { dir, dirErr = unpack() })
	if absent != "" {
		msg := "national data not found (" + absent + "); set " + EnvPath + " to " + Archive
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: national tests must run)")
		}
		t.Skip(msg)
	}
	if dirErr != nil {
		t.Fatalf("nationaltest: %v", dirErr)
	}
	return dir
}

// Files returns the GeoJSON files of one level ("kel", "kec", "kab" or
// "prov"), in name order.
func Files(t testing.TB, level string) []string {
	t.Helper()
	pattern := filepath.Join(Dir(t), level, "*.geojson")
	if level == "kel" {
		// kel/ has one folder per province.
		pattern = filepath.Join(Dir(t), level, "*", "*.geojson")
	}
	files, err := filepath.Glob(pattern)
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("no files match %s", pattern)
	}
	if err != nil {
		t.Fatalf("nationaltest: %v", err)
	}
	return files
}

// find returns the archive's path, or "" with absent set.
func find() string {
	if p := os.Getenv(EnvPath); p != "" {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			p = filepath.Join(p, Archive)
		}
		if _, err := os.Stat(p); err != nil {
			absent = EnvPath + "=" + os.Getenv(EnvPath) + ": " + err.Error()
			return ""
		}
		return p
	}
	wd, err := os.Getwd()
	if err != nil {
		absent = err.Error()
		return ""
	}
	var tried []string
	for d := wd; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "shared", "data", "national", Archive)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		tried = append(tried, filepath.Join(d, "shared"))
		if filepath.Dir(d) == d {
			break
		}
	}
	absent = "looked in shared/data/national under " + strings.Join(tried, ", ")
	return ""
}

// unpack checks the archive's digest and unpacks it into the user cache
// directory, keyed by the digest, unless a finished copy is there. It
// unpacks into a temporary folder and renames it, so test packages running
// at the same time never see half a copy.
func unpack() (string, error) {
	archive := find()
	if archive == "" {
		return "", nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	base := filepath.Join(cache, "serasi", "national-"+SHA256[:12])
	out := filepath.Join(base, root)
	if _, err := os.Stat(filepath.Join(base, ".complete")); err == nil {
		return out, nil
	}
	if err := checkDigest(archive); err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(base), "unpack-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("sh", "-c", `zstd -dc "$1" | tar -x -C "$2"`, "sh", archive, tmp)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("unpack %s (needs zstd and tar): %v: %s", archive, err, msg)
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), nil, 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, base); err != nil {
		// Another test package won the race; its copy is as good.
		if _, err2 := os.Stat(filepath.Join(base, ".complete")); err2 != nil {
			return "", err
		}
	}
	return out, nil
}

func checkDigest(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != SHA256 {
		return fmt.Errorf("%s: sha256 is %s, want %s (see the data README)", path, got, SHA256)
	}
	return nil
}
