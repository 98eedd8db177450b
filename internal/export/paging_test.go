package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/url"
	"testing"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/export"
	"github.com/serasi/serasi/internal/geobuild"
	"github.com/serasi/serasi/internal/importer"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
)

// TestExportPagesEveryProject: an export of more projects than one store
// page holds has every project exactly once, in id order.
func TestExportPagesEveryProject(t *testing.T) {
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	n := 2*store.MaxPageSize + 234
	ds.Projects = append(ds.Projects, geobuild.SyntheticProjects(ds, n, 7)...)
	s := memory.NewFromDataset(ds)
	f, err := layers.ParseFilters(string(importer.Projects), url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := export.Write(context.Background(), s, &buf, importer.Projects, export.CSV, f); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := len(ds.Projects)
	if got := len(rows) - 1; got != want {
		t.Fatalf("%d rows exported, want %d", got, want)
	}
	seen := map[string]bool{}
	prev := ""
	for _, row := range rows[1:] {
		id := row[0]
		if seen[id] || id <= prev {
			t.Fatalf("id %q after %q: repeated or out of order", id, prev)
		}
		seen[id], prev = true, id
	}
}
