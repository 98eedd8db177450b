// Package boundariestest gives tests the national boundary archive
// (../shared/data/national/wilayah-boundaries-geojson.tar.zst, see its
// README) and the set boundaries.Read makes of it, read once per test
// binary. Without the archive a test is skipped with a message saying
// where it was looked for, except under CI=true, where it fails: CI has
// the data and must never pass by skipping it. SERASI_NATIONAL_DATA names
// the archive (or its folder) when it is elsewhere.
package boundariestest

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/generalise"
)

// The archive's name and what the README says is in it.
const (
	EnvPath    = "SERASI_NATIONAL_DATA"
	Archive    = "wilayah-boundaries-geojson.tar.zst"
	Kelurahans = 83_190
	Vertices   = 8_684_510
)

// Path returns the archive's path, or skips t (fails it under CI=true).
func Path(t testing.TB) string {
	t.Helper()
	p, tried := find()
	if p == "" {
		msg := "national boundary data not found (" + tried + "); see ../shared/data/national/README.md"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + ": CI must have it")
		}
		t.Skip(msg)
	}
	return p
}

func find() (string, string) {
	if p := os.Getenv(EnvPath); p != "" {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			p = filepath.Join(p, Archive)
		}
		if _, err := os.Stat(p); err != nil {
			return "", EnvPath + "=" + os.Getenv(EnvPath) + ": " + err.Error()
		}
		return p, ""
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err.Error()
	}
	var tried []string
	for d := wd; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "shared", "data", "national", Archive)
		if _, err := os.Stat(p); err == nil {
			return p, ""
		}
		tried = append(tried, filepath.Join(d, "shared"))
		if filepath.Dir(d) == d {
			break
		}
	}
	return "", "looked in shared/data/national under " + strings.Join(tried, ", ")
}

var (
	once sync.Once
	set  *boundaries.Set
	err  error

	genOnce sync.Once
	gen     *boundaries.Set
)

// National returns the set read from the archive (shared: do not change
// it), or skips t as Path does.
func National(t testing.TB) *boundaries.Set {
	t.Helper()
	p := Path(t)
	once.Do(func() { set, err = boundaries.Read(p, boundaries.Options{}) })
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// NationalGeneralised is National with the generalised bands that `serasi
// import boundaries` computes (generalise.Geometries), computed once per
// test binary; the records are National's (shared: do not change them).
func NationalGeneralised(t testing.TB) *boundaries.Set {
	t.Helper()
	s := National(t)
	genOnce.Do(func() {
		g := *s
		g.Generalised = boundaries.Generalise(s, generalise.Geometries)
		gen = &g
	})
	return gen
}
