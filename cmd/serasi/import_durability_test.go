package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/export"
	"github.com/serasi/serasi/internal/geobuild"
	"github.com/serasi/serasi/internal/importer"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store/memory"
)

// TestImportDurability runs the real binary's import on a data directory
// and SIGKILLs it at growing delays, while it parses, checks or commits:
// after every kill the same file, checked again (--dry-run), must find all
// of its projects or none of them. The last run is let finish.
func TestImportDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "serasi")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := filepath.Join(t.TempDir(), "data")
	cliToken(t, bin, dir, "admin") // creates the data directory

	const n = 10_000
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	ds.Projects = geobuild.SyntheticProjects(ds, n, 7)
	for i := range ds.Projects {
		ds.Projects[i].Description = ""
	}
	filters, _ := layers.ParseFilters("projects", url.Values{})
	var csv bytes.Buffer
	if err := export.Write(context.Background(), memory.NewFromDataset(ds), &csv, importer.Projects, export.CSV, filters); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "proyek.csv")
	if err := os.WriteFile(file, csv.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	// created returns how many of the file's projects a dry run would
	// still create: n (none imported) or 0 (all imported) are the only
	// right answers; the sample projects are unchanged either way.
	created := func() int {
		t.Helper()
		var out, errOut bytes.Buffer
		cmd := exec.Command(bin, "import", "projects", file, "--dry-run", "--json", "--data-dir", dir)
		cmd.Env = append(os.Environ(), "DATABASE_URL=")
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("dry run after a kill: %v\n%s\n%s", err, errOut.String(), out.String())
		}
		var rep importer.Report
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("dry-run report: %v\n%s", err, out.String())
		}
		return rep.Created
	}

	// A dry run reads and checks everything; the import then also
	// writes. Kills spread around that time land in the reading, the
	// checking and the commit.
	start := time.Now()
	if c := created(); c != n {
		t.Fatalf("before any import, a dry run would create %d, want %d", c, n)
	}
	dry := time.Since(start)
	done := false
	for _, f := range []float64{0.5, 0.8, 0.9, 1.0, 1.05, 1.1, 1.15, 1.2, 1.3, 1.45, 1.6, 1.8, 2.1, 2.5} {
		if done {
			break
		}
		delay := time.Duration(f * float64(dry))
		cmd := exec.Command(bin, "import", "projects", file, "--data-dir", dir)
		cmd.Env = append(os.Environ(), "DATABASE_URL=")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			if err != nil {
				t.Fatalf("import finished with %v before the kill", err)
			}
			done = true
		case <-time.After(delay):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-exited
		}
		switch c := created(); c {
		case 0:
			t.Logf("killed after %v: every project is there", delay)
			done = true
		case n:
			t.Logf("killed after %v: no project is there", delay)
		default:
			t.Fatalf("killed after %v: %d of %d projects would still be created: a partial import", delay, c, n)
		}
	}
	if !done {
		cmd := exec.Command(bin, "import", "projects", file, "--data-dir", dir)
		cmd.Env = append(os.Environ(), "DATABASE_URL=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("import to the end: %v\n%s", err, out)
		}
		if c := created(); c != 0 {
			t.Fatalf("after a whole import, %d projects would still be created", c)
		}
	}
}
