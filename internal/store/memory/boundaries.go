package memory

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/dataset"
)

// BoundaryFile is the file of a data directory that holds imported
// boundaries (`serasi import boundaries`), in boundaries' binary form.
// When it is there, Open answers from its provinsi, kabupaten/kota,
// kecamatan and kelurahan instead of the embedded ones.
const BoundaryFile = "boundaries.bin"

// ImportBoundaries writes s as the boundaries of the data directory dir
// (created if need be), for the next Open. It reports whether the file
// changed: importing the same set again leaves it as it is. The file is
// replaced atomically (written beside it, fsynced, renamed), so a store
// that starts meanwhile reads the old or the new one, never half of one.
// A running store keeps answering from what it loaded until it restarts.
func ImportBoundaries(dir string, s *boundaries.Set) (changed bool, err error) {
	var buf bytes.Buffer
	if err := boundaries.Encode(&buf, s); err != nil {
		return false, fmt.Errorf("memory: %w", err)
	}
	path := filepath.Join(dir, BoundaryFile)
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, buf.Bytes()) {
		return false, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, fmt.Errorf("memory: data directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, BoundaryFile+".*")
	if err != nil {
		return false, fmt.Errorf("memory: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename there is nothing to remove
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return false, fmt.Errorf("memory: write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return false, fmt.Errorf("memory: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return false, fmt.Errorf("memory: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return false, fmt.Errorf("memory: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // the rename itself survives a crash
		d.Close()
	}
	return true, nil
}

// useImportedBoundaries replaces the areas of ds by those of dir's
// boundary file, when there is one, and returns its generalised bands. The conflict-prone marks of the
// embedded data follow their codes; every kelurahan the program records
// name must be in the imported set.
func useImportedBoundaries(ds *dataset.Dataset, dir string) (bands, error) {
	var s *boundaries.Set
	err := readMapped(filepath.Join(dir, BoundaryFile), func(data []byte) (err error) {
		s, err = boundaries.Decode(data)
		return err
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("memory: %s: %w", filepath.Join(dir, BoundaryFile), err)
	}
	conflictProne := map[string]bool{}
	for _, k := range ds.Kelurahans {
		if k.ConflictProne {
			conflictProne[k.Code] = true
		}
	}
	have := make(map[string]bool, len(s.Kelurahans))
	for i, k := range s.Kelurahans {
		have[k.Code] = true
		s.Kelurahans[i].ConflictProne = conflictProne[k.Code]
	}
	for _, k := range ds.Kelurahans {
		if !have[k.Code] {
			return nil, fmt.Errorf("memory: %s lacks kelurahan %s %s of the embedded program data", BoundaryFile, k.Code, k.Name)
		}
	}
	if err := ds.SetAreas(s.Provinsis, s.KabupatenKotas, s.Kecamatans, s.Kelurahans); err != nil {
		return nil, fmt.Errorf("memory: %s: %w", filepath.Join(dir, BoundaryFile), err)
	}
	return newBands(s), nil
}
