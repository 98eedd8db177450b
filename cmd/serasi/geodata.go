package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/geobuild"
	"github.com/serasi/serasi/internal/store/memory"
)

// runGeodata rebuilds the files of geodata/:
//
//	serasi geodata normalise --source ../shared/data/baubau-kelurahan.geojson --out geodata
//	serasi geodata sample --out geodata
func runGeodata(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	usage := func() {
		fmt.Fprintln(stderr, "usage: serasi geodata normalise --source FILE --out DIR")
		fmt.Fprintln(stderr, "       serasi geodata sample --out DIR [--seed N]")
	}
	if len(args) == 0 {
		usage()
		return errors.New("geodata: no subcommand given")
	}
	switch args[0] {
	case "normalise", "normalize":
		return runNormalise(args[1:], stdout, stderr)
	case "sample":
		return runSample(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		usage()
		return flag.ErrHelp
	}
	usage()
	return fmt.Errorf("geodata: unknown subcommand %q", args[0])
}

func runNormalise(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("geodata normalise", flag.ContinueOnError)
	fs.SetOutput(stderr)
	source := fs.String("source", "../shared/data/baubau-kelurahan.geojson", "the shared kelurahan source file")
	out := fs.String("out", "geodata", "directory to write provinsi, kabupaten-kota, kecamatan and kelurahan .geojson into")
	if err := fs.Parse(args); err != nil {
		return err
	}
	src, err := os.ReadFile(*source)
	if err != nil {
		return err
	}
	n, err := geobuild.Normalise(src)
	if err != nil {
		return err
	}
	files, err := n.Files()
	if err != nil {
		return err
	}
	if err := geobuild.WriteFiles(*out, files); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d kelurahan and %d kecamatan to %s (dropped %d sliver holes: %.0f m² in all, largest %.0f m²), and Kota Baubau and Sulawesi Tenggara derived from them (%d more holes, largest %.0f m²)\n",
		len(n.Kelurahans), len(n.Kecamatans), *out, n.DroppedHoles, n.DroppedHoleSqM, n.LargestHoleSqM,
		n.KotaDroppedHoles, n.KotaLargestHoleSqM)
	return nil
}

func runSample(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("geodata sample", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "geodata", "directory holding kelurahan.geojson, to write the sample files into")
	seed := fs.Uint64("seed", geobuild.SampleSeed, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(*out, dataset.KelurahanFile))
	if err != nil {
		return err
	}
	kels, err := dataset.ReadKelurahans(f)
	f.Close()
	if err != nil {
		return err
	}
	s, err := geobuild.GenerateSample(kels, *seed)
	if err != nil {
		return err
	}
	files, err := s.Files()
	if err != nil {
		return err
	}
	if err := geobuild.WriteFiles(*out, files); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d forums, %d projects, %d activities and %d conflict-prone kelurahan to %s\n",
		len(s.Forums), len(s.Projects), len(s.Activities), len(s.ConflictProne.Kelurahan), *out)
	return nil
}

// runGenerate writes synthetic projects over the embedded kelurahan for
// benchmarks:
//
//	serasi generate --count 100000 --seed 1 --out projects.geojson
func runGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	count := fs.Int("count", 100_000, "number of projects (or points)")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("out", "projects.geojson", "file to write (- for standard output)")
	dataDir := fs.String("data-dir", "", "spread over the boundaries imported into this data directory ('serasi import boundaries --data-dir'), e.g. the whole country, instead of the embedded Kota Baubau")
	points := fs.Bool("points", false, "write request points for load tests instead of projects: one 'lon lat' line each, inside a kelurahan drawn uniformly")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *count < 0 {
		return errors.New("generate: --count must not be negative")
	}
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		return err
	}
	if *dataDir != "" {
		if err := useBoundariesOf(ds, *dataDir); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
	}
	write := func(w io.Writer) (int, error) {
		if *points {
			ps := geobuild.RequestPoints(ds.Kelurahans, *count, *seed)
			bw := bufio.NewWriterSize(w, 1<<20)
			for _, p := range ps {
				fmt.Fprintf(bw, "%.7f %.7f\n", p[0], p[1])
			}
			return len(ps), bw.Flush()
		}
		ps := geobuild.SyntheticProjects(ds, *count, *seed)
		return len(ps), writeProjects(w, ps)
	}
	what := "synthetic projects"
	if *points {
		what = "request points"
	}
	if *out == "-" {
		_, err := write(stdout)
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	n, err := write(f)
	if err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d %s over %d kelurahan to %s\n", n, what, len(ds.Kelurahans), *out)
	return nil
}

// useBoundariesOf replaces the areas of ds by the boundaries imported into
// the data directory dir (memory.BoundaryFile), as the embedded store does
// when it starts there.
func useBoundariesOf(ds *dataset.Dataset, dir string) error {
	path := filepath.Join(dir, memory.BoundaryFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%w (import boundaries there first: serasi import boundaries PATH --data-dir %s)", err, dir)
	}
	s, err := boundaries.Decode(data)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := ds.SetAreas(s.Provinsis, s.KabupatenKotas, s.Kecamatans, s.Kelurahans); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func writeProjects(w io.Writer, ps []domain.Project) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	if err := dataset.WriteProjects(bw, ps); err != nil {
		return err
	}
	return bw.Flush()
}
