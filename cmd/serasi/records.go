package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/export"
	"github.com/serasi/serasi/internal/importer"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
)

// importMemoryLimit is the soft memory limit of serasi import (GOMEMLIMIT
// overrides it).
const importMemoryLimit = 350 << 20

// runImport imports a file of records:
//
//	serasi import projects|forums|activities FILE [--dry-run] [--format csv|xlsx|geojson] [--json]
//
// (serasi import boundaries PATH: see runImportBoundaries)
//
// against PostGIS with DATABASE_URL, else the embedded store's data
// directory. Every row is checked first; one bad row and nothing is
// written (the report on stdout says what to fix, and the command fails).
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "boundaries" {
		return runImportBoundaries(ctx, args[1:], stdout, stderr)
	}
	flags := flag.NewFlagSet("import", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: serasi import projects|forums|activities FILE [flags]\n"+
			"       serasi import boundaries PATH [flags]   (see 'serasi import boundaries -h')\n\n"+
			"Imports a CSV (comma or semicolon), XLSX or GeoJSON file, all rows or none.\n"+
			"A row's kode names its record: the same file again changes nothing.\n\nflags:")
		flags.PrintDefaults()
	}
	var db dbFlags
	db.register(flags)
	dataDir := flags.String("data-dir", envOr("SERASI_DATA_DIR", DefaultDataDir), "embedded store's data directory, used when no database URL is set (env SERASI_DATA_DIR)")
	dry := flags.Bool("dry-run", false, "check every row and count what would be created, updated and left unchanged; write nothing")
	format := flags.String("format", "", "csv, xlsx or geojson (default: from the file's extension)")
	asJSON := flags.Bool("json", false, "print the report as JSON")
	pos, err := parseInterspersed(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		flags.Usage()
		return errors.New("import needs a layer and a file")
	}
	layer, err := importer.ParseLayer(pos[0])
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	var f importer.Format
	if *format != "" {
		if f, err = importer.ParseFormat(*format); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	file, err := os.Open(pos[1])
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer file.Close()
	if fi, err := file.Stat(); err == nil && fi.Size() > importer.MaxFileBytes {
		return fmt.Errorf("import: %s", importer.ErrTooLarge.Message)
	}
	// A whole file is parsed, checked and written at once; a soft memory
	// limit makes the collector work harder rather than let the heap
	// double (100,000 projects: 0.43 GB peak instead of 0.62 GB).
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(importMemoryLimit)
	}
	st, where, err := openDataStore(ctx, "import", "upload the file at /impor", db, *dataDir, false, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	batcher, ok := st.(store.Batcher)
	if !ok {
		return errors.New("import: this store cannot take batches")
	}
	im := &importer.Importer{Store: st, Writer: importer.FlowBatch{Store: batcher}}
	rep, err := im.Import(ctx, file, importer.Options{Layer: layer, Format: f, Name: filepath.Base(pos[1]), DryRun: *dry, Actor: cliActor})
	if err != nil {
		return userError("import", err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printReport(stdout, rep, where)
	}
	if !rep.OK() {
		return fmt.Errorf("import: %d problem(s), nothing was written", len(rep.Problems))
	}
	return nil
}

func printReport(w io.Writer, rep *importer.Report, where string) {
	if !rep.OK() {
		fmt.Fprintf(w, "%s: %d masalah; tidak ada yang disimpan.\n", rep.File, len(rep.Problems))
		for _, p := range rep.Problems {
			var at []string
			if p.Row > 0 {
				at = append(at, fmt.Sprintf("baris %d", p.Row))
			}
			if p.Column != "" {
				at = append(at, "kolom "+p.Column)
			}
			if p.Value != "" {
				at = append(at, fmt.Sprintf("%q", p.Value))
			}
			prefix := strings.Join(at, ", ")
			if prefix != "" {
				prefix += ": "
			}
			fmt.Fprintf(w, "  %s%s\n", prefix, p.Message)
		}
		return
	}
	verb := "disimpan di " + where
	if rep.DryRun {
		verb = "uji coba, tidak ada yang disimpan"
	}
	fmt.Fprintf(w, "%s: %d baris, %d baru, %d diperbarui, %d tidak berubah (%s).\n",
		rep.File, rep.Rows, rep.Created, rep.Updated, rep.Unchanged, verb)
}

// runExport writes the records of a layer:
//
//	serasi export projects|forums|activities [--format csv|xlsx|geojson|gpkg] [--out FILE] [FILTER=VALUE ...]
//
// with the filters of /geojson/{layer} (kinds=VILLAGE_ROAD year=2024 bbox=...).
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("export", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: serasi export projects|forums|activities [FILTER=VALUE ...] [flags]\n\n"+
			"Filters are those of /geojson/{layer}, e.g. kinds=VILLAGE_ROAD year=2024 bbox=122.5,-5.6,122.7,-5.3\n\nflags:")
		flags.PrintDefaults()
	}
	var db dbFlags
	db.register(flags)
	dataDir := flags.String("data-dir", envOr("SERASI_DATA_DIR", DefaultDataDir), "embedded store's data directory, used when no database URL is set (env SERASI_DATA_DIR)")
	format := flags.String("format", "", "csv, xlsx, geojson or gpkg (default: from --out's extension, else csv)")
	out := flags.String("out", "", "the file to write (default: stdout)")
	pos, err := parseInterspersed(flags, args)
	if err != nil {
		return err
	}
	if len(pos) < 1 {
		flags.Usage()
		return errors.New("export needs a layer")
	}
	layer, err := importer.ParseLayer(pos[0])
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if *format == "" {
		*format = strings.TrimPrefix(filepath.Ext(*out), ".")
		if *format == "" {
			*format = "csv"
		}
	}
	f, err := export.ParseFormat(*format)
	if err != nil {
		return userError("export", err)
	}
	v := url.Values{}
	for _, kv := range pos[1:] {
		k, val, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("export: filter %q is not NAME=VALUE", kv)
		}
		v.Add(k, val)
	}
	filters, err := layers.ParseFilters(string(layer), v)
	if err != nil {
		return userError("export", err)
	}
	st, closeStore, err := openReadStore(ctx, "export", db, *dataDir, stderr)
	if err != nil {
		return err
	}
	defer closeStore()
	return writeOut(*out, stdout, func(w io.Writer) error {
		return userErrorOrNil("export", export.Write(ctx, st, w, layer, f, filters))
	})
}

// runTemplate writes an empty sheet to fill and import:
//
//	serasi template projects|forums|activities [--format xlsx|csv] [--out FILE]
func runTemplate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("template", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: serasi template projects|forums|activities [flags]\n\nflags:")
		flags.PrintDefaults()
	}
	var db dbFlags
	db.register(flags)
	dataDir := flags.String("data-dir", envOr("SERASI_DATA_DIR", DefaultDataDir), "embedded store's data directory, used when no database URL is set (env SERASI_DATA_DIR)")
	format := flags.String("format", "xlsx", "xlsx (with drop-down lists and instructions) or csv (the header row)")
	out := flags.String("out", "", "the file to write (default: template-LAYER.FORMAT)")
	pos, err := parseInterspersed(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		flags.Usage()
		return errors.New("template needs a layer")
	}
	layer, err := importer.ParseLayer(pos[0])
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	f, err := importer.ParseFormat(*format)
	if err != nil || f == importer.GeoJSON {
		return fmt.Errorf("template: --format must be xlsx or csv")
	}
	if *out == "" {
		*out = "template-" + string(layer) + "." + string(f)
	}
	st, closeStore, err := openReadStore(ctx, "template", db, *dataDir, stderr)
	if err != nil {
		return err
	}
	defer closeStore()
	kels, err := st.Kelurahans(ctx, domain.KelurahanFilter{})
	if err != nil {
		return err
	}
	if err := writeOut(*out, stdout, func(w io.Writer) error { return importer.WriteTemplate(w, layer, f, kels) }); err != nil {
		return err
	}
	if *out != "-" {
		fmt.Fprintf(stderr, "Wrote %s.\n", *out)
	}
	return nil
}

// openReadStore opens the store to read from: PostGIS, the data directory,
// or the embedded data when there is no data directory yet.
func openReadStore(ctx context.Context, cmd string, db dbFlags, dataDir string, stderr io.Writer) (store.Store, func(), error) {
	if db.url == "" {
		if _, err := os.Stat(dataDir); err != nil {
			st, err := memory.New(geodata.FS)
			if err != nil {
				return nil, nil, err
			}
			return st, func() { st.Close() }, nil
		}
	}
	st, _, err := openDataStore(ctx, cmd, "use GET /"+cmd+"s/... of the running server", db, dataDir, false, stderr)
	if err != nil {
		return nil, nil, err
	}
	return st, func() { st.Close() }, nil
}

// writeOut runs write on the file out (atomically: a failed export leaves
// no half file), or on stdout for "" or "-".
func writeOut(out string, stdout io.Writer, write func(io.Writer) error) error {
	if out == "" || out == "-" {
		return write(stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}

func userErrorOrNil(cmd string, err error) error {
	if err == nil {
		return nil
	}
	return userError(cmd, err)
}
