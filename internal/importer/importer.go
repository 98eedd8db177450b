// Package importer reads forums, projects and activities from the files
// Dinas Sosial keeps (CSV, XLSX, GeoJSON), maps their columns by header,
// parses Indonesian numbers, dates and coordinates, and hands the rows to a
// BatchWriter, which checks every one with the stores' own rules and
// writes all of them or none. The Report says, per problem, the row as the
// user sees it, the column, the value and how to fix it.
package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// Problem is one thing the user must fix. Row is the sheet row (the CSV
// line, the GeoJSON feature's position), 0 for the file as a whole.
type Problem struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Value   string `json:"value,omitempty"`
	Message string `json:"message"`
}

// Report is the outcome of an import. With Problems, nothing was written.
type Report struct {
	Layer     Layer     `json:"layer"`
	File      string    `json:"file"`
	Format    Format    `json:"format"`
	SHA256    string    `json:"sha256"`
	DryRun    bool      `json:"dryRun"`
	Rows      int       `json:"rows"`
	Created   int       `json:"created"`
	Updated   int       `json:"updated"`
	Unchanged int       `json:"unchanged"`
	Written   bool      `json:"written"` // the batch was committed
	Headers   []string  `json:"headers,omitempty"`
	Problems  []Problem `json:"problems"`
	// ProblemRows are the cells of the first rows with problems (at most
	// MaxProblemRows), under Headers, so that a page can show them with
	// the bad cells marked.
	ProblemRows []RowCells `json:"problemRows,omitempty"`
}

// RowCells is one row of the file as read.
type RowCells struct {
	Row   int      `json:"row"`
	Cells []string `json:"cells"`
}

// MaxProblemRows bounds Report.ProblemRows.
const MaxProblemRows = 200

// OK reports whether the import had no problem.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Options say what to import.
type Options struct {
	Layer  Layer
	Format Format // "" guesses from Name, then from the content
	Name   string // the file's name, for the audit and the format
	DryRun bool
	Actor  domain.Actor
}

// Store is what an import reads: the kelurahan, to turn names into codes.
type Store interface {
	Kelurahans(ctx context.Context, f domain.KelurahanFilter) ([]domain.Kelurahan, error)
}

// Importer imports files into a store.
type Importer struct {
	// Store reads the kelurahan (names to codes); any store.Store is one.
	Store Store
	// Writer checks and writes the batch.
	Writer BatchWriter
}

// ErrTooLarge is the FileError of a file over MaxFileBytes.
var ErrTooLarge = &FileError{Message: fmt.Sprintf("berkas lebih dari %d MB: bagi menjadi beberapa berkas", MaxFileBytes>>20)}

// Import reads r (at most MaxFileBytes) and imports it. Problems with the
// file or its rows are in the report, and nothing is written; the error is
// for credentials (EUNAUTHENTICATED, EFORBIDDEN) and internal failures.
func (im *Importer) Import(ctx context.Context, r io.Reader, opts Options) (*Report, error) {
	rep := &Report{Layer: opts.Layer, File: opts.Name, DryRun: opts.DryRun, Problems: []Problem{}}
	if err := store.Authorize(opts.Actor, domain.RoleEditor); err != nil {
		return nil, err
	}
	if Columns(opts.Layer) == nil {
		return nil, domain.Invalid("layer", "unknown layer %q (projects, forums or activities)", opts.Layer)
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("importer: read: %w", err)
	}
	if len(data) > MaxFileBytes {
		rep.Problems = append(rep.Problems, Problem{Message: ErrTooLarge.Message})
		return rep, nil
	}
	sum := sha256.Sum256(data)
	rep.SHA256 = hex.EncodeToString(sum[:])
	rep.Format = opts.Format
	if rep.Format == "" {
		rep.Format = FormatOf(opts.Name, data[:min(len(data), 512)])
	}
	if rep.Format == "" {
		rep.Problems = append(rep.Problems, Problem{Message: "berkas kosong"})
		return rep, nil
	}
	t, err := readTable(data, rep.Format)
	data = nil // the rows hold what is needed; 20 MB less to keep
	if err != nil {
		var fe *FileError
		if errors.As(err, &fe) {
			rep.Problems = append(rep.Problems, Problem{Message: fe.Message})
			return rep, nil
		}
		return nil, err
	}
	rep.Rows = len(t.rows)
	rep.Headers = t.headers
	kels, err := newKelurahanNames(ctx, im.Store)
	if err != nil {
		return nil, err
	}
	c := &converter{layer: opts.Layer, t: t, kels: kels, rep: rep}
	if !c.mapHeaders() {
		return rep, nil
	}
	b := Batch{Source: opts.Name, SHA256: rep.SHA256}
	switch opts.Layer {
	case Projects:
		b.Projects = make([]domain.ProjectInput, len(t.rows))
		for i := range t.rows {
			b.Projects[i] = c.project(i)
		}
	case Forums:
		b.Forums = make([]domain.ForumInput, len(t.rows))
		for i := range t.rows {
			b.Forums[i] = c.forum(i)
		}
	case Activities:
		b.Activities = make([]domain.ActivityInput, len(t.rows))
		for i := range t.rows {
			b.Activities[i] = c.activity(i)
		}
	}
	c.duplicateIDs()
	if len(t.rows) == 0 {
		rep.Problems = append(rep.Problems, Problem{Row: t.headerLine, Message: "tidak ada baris data di bawah judul kolom"})
	}
	// With problems already, the batch only validates, so that the report
	// lists every problem of the file at once.
	b.DryRun = opts.DryRun || len(rep.Problems) > 0
	res, err := im.Writer.WriteBatch(ctx, opts.Actor, b)
	if err != nil {
		return nil, err
	}
	for _, f := range res.Failures {
		c.failure(f)
	}
	sortProblems(rep.Problems)
	if len(rep.Problems) > 0 {
		rep.ProblemRows = problemRows(t, rep.Problems)
		return rep, nil
	}
	rep.Created, rep.Updated, rep.Unchanged = res.Created, res.Updated, res.Unchanged
	rep.Written = !b.DryRun
	return rep, nil
}

func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Row < ps[j].Row })
}

func problemRows(t *table, ps []Problem) []RowCells {
	byLine := make(map[int]int, len(t.rows))
	for i, r := range t.rows {
		byLine[r.line] = i
	}
	var out []RowCells
	seen := map[int]bool{}
	for _, p := range ps {
		i, ok := byLine[p.Row]
		if !ok || seen[p.Row] || len(out) >= MaxProblemRows {
			continue
		}
		seen[p.Row] = true
		cells := make([]string, len(t.headers))
		copy(cells, t.rows[i].cells)
		out = append(out, RowCells{Row: p.Row, Cells: cells})
	}
	return out
}
