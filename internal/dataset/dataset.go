// Package dataset loads the program's data files — kecamatan and kelurahan
// boundaries, forums, projects, activities and the conflict-prone list —
// from an fs.FS, validates them as a whole, and writes them in the same
// format. Both stores (memory and the PostGIS seeder) load through it, so
// they see exactly the same records.
package dataset

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/serasi/serasi/internal/domain"
)

// Dataset is the whole of the program's data, validated.
type Dataset struct {
	// Provinsis and KabupatenKotas come from optional files (a dataset of
	// one city may leave them out); ordered by code.
	Provinsis      []domain.Provinsi
	KabupatenKotas []domain.KabupatenKota
	Kecamatans     []domain.Kecamatan // ordered by code
	// Kelurahans are ordered by code; Bound and AreaSqM are computed on
	// loading, Centroid comes from the file, ConflictProne from
	// conflict-prone.json.
	Kelurahans []domain.Kelurahan
	Forums     []domain.Forum    // ordered by id
	Projects   []domain.Project  // ordered by id
	Activities []domain.Activity // ordered by date, then id

	kelurahanIndex map[string]int
	forumIndex     map[string]int
}

// Load reads and validates the dataset files at the root of fsys. The error
// names the file and the record at fault.
func Load(fsys fs.FS) (*Dataset, error) {
	d := &Dataset{}
	var err error
	if d.Provinsis, err = readOptional(fsys, ProvinsiFile, ReadProvinsis); err != nil {
		return nil, err
	}
	if d.KabupatenKotas, err = readOptional(fsys, KabupatenKotaFile, ReadKabupatenKotas); err != nil {
		return nil, err
	}
	if d.Kecamatans, err = readFile(fsys, KecamatanFile, ReadKecamatans); err != nil {
		return nil, err
	}
	if d.Kelurahans, err = readFile(fsys, KelurahanFile, ReadKelurahans); err != nil {
		return nil, err
	}
	if err := d.linkKelurahans(); err != nil {
		return nil, err
	}
	cp, err := readFile(fsys, ConflictProneFile, readConflictProne)
	if err != nil {
		return nil, err
	}
	if err := d.markConflictProne(cp); err != nil {
		return nil, err
	}
	if d.Forums, err = readFile(fsys, ForumsFile, d.ReadForums); err != nil {
		return nil, err
	}
	d.forumIndex = indexBy(d.Forums, func(f domain.Forum) string { return f.ID })
	if d.Projects, err = readFile(fsys, ProjectsFile, d.LoadProjects); err != nil {
		return nil, err
	}
	if d.Activities, err = readFile(fsys, ActivitiesFile, d.ReadActivities); err != nil {
		return nil, err
	}
	return d, nil
}

// New builds a Dataset from kelurahan and forums already in memory (the
// sample generator uses it before any other file exists). The slices are
// sorted in place.
func New(kecamatans []domain.Kecamatan, kelurahans []domain.Kelurahan, forums []domain.Forum) (*Dataset, error) {
	d := &Dataset{Kecamatans: kecamatans, Kelurahans: kelurahans, Forums: forums}
	slices.SortFunc(d.Kecamatans, func(a, b domain.Kecamatan) int { return strings.Compare(a.Code, b.Code) })
	slices.SortFunc(d.Kelurahans, func(a, b domain.Kelurahan) int { return strings.Compare(a.Code, b.Code) })
	slices.SortFunc(d.Forums, func(a, b domain.Forum) int { return strings.Compare(a.ID, b.ID) })
	if err := d.linkKelurahans(); err != nil {
		return nil, err
	}
	d.forumIndex = indexBy(d.Forums, func(f domain.Forum) string { return f.ID })
	return d, nil
}

// SetAreas replaces the four area levels of d (imported boundaries) and
// checks that they link up; the slices are kept. The program records are
// not checked again: their kelurahan must still exist, which the caller
// checks.
func (d *Dataset) SetAreas(provinsis []domain.Provinsi, kabupatenKotas []domain.KabupatenKota,
	kecamatans []domain.Kecamatan, kelurahans []domain.Kelurahan) error {
	d.Provinsis, d.KabupatenKotas, d.Kecamatans, d.Kelurahans = provinsis, kabupatenKotas, kecamatans, kelurahans
	return d.linkKelurahans()
}

// Kelurahan returns the kelurahan with the given code.
func (d *Dataset) Kelurahan(code string) (domain.Kelurahan, bool) {
	i, ok := d.kelurahanIndex[code]
	if !ok {
		return domain.Kelurahan{}, false
	}
	return d.Kelurahans[i], true
}

// Forum returns the forum with the given id.
func (d *Dataset) Forum(id string) (domain.Forum, bool) {
	i, ok := d.forumIndex[id]
	if !ok {
		return domain.Forum{}, false
	}
	return d.Forums[i], true
}

func (d *Dataset) linkKelurahans() error {
	provs := make(map[string]bool, len(d.Provinsis))
	for _, p := range d.Provinsis {
		provs[p.Code] = true
	}
	kabs := make(map[string]bool, len(d.KabupatenKotas))
	for _, k := range d.KabupatenKotas {
		if len(provs) > 0 && !provs[k.ProvinsiCode] {
			return fmt.Errorf("dataset: %s: kabupaten/kota %q: provinsi %q is unknown", KabupatenKotaFile, k.Code, k.ProvinsiCode)
		}
		kabs[k.Code] = true
	}
	for _, k := range d.Kecamatans {
		if len(kabs) > 0 && !kabs[k.KabupatenKotaCode] {
			return fmt.Errorf("dataset: %s: kecamatan %q: kabupaten/kota %q is unknown", KecamatanFile, k.Code, k.KabupatenKotaCode)
		}
	}
	kecs := make(map[string]bool, len(d.Kecamatans))
	for _, k := range d.Kecamatans {
		kecs[k.Code] = true
	}
	for _, k := range d.Kelurahans {
		if len(kecs) > 0 && !kecs[k.KecamatanCode] {
			return fmt.Errorf("dataset: %s: kelurahan %q: kecamatan %q is unknown", KelurahanFile, k.Code, k.KecamatanCode)
		}
	}
	d.kelurahanIndex = indexBy(d.Kelurahans, func(k domain.Kelurahan) string { return k.Code })
	return nil
}

func (d *Dataset) markConflictProne(cp ConflictProne) error {
	seen := map[string]bool{}
	for _, code := range cp.Kelurahan {
		i, ok := d.kelurahanIndex[code]
		if !ok {
			return fmt.Errorf("dataset: %s: kelurahan %q is unknown", ConflictProneFile, code)
		}
		if seen[code] {
			return fmt.Errorf("dataset: %s: kelurahan %q is listed twice", ConflictProneFile, code)
		}
		seen[code] = true
		d.Kelurahans[i].ConflictProne = true
	}
	return nil
}

func readFile[T any](fsys fs.FS, name string, read func(io.Reader) (T, error)) (T, error) {
	var zero T
	f, err := fsys.Open(name)
	if err != nil {
		return zero, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	return read(f)
}

// readOptional is readFile for a file that may be absent (then nil).
func readOptional[T any](fsys fs.FS, name string, read func(io.Reader) ([]T, error)) ([]T, error) {
	if _, err := fs.Stat(fsys, name); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return readFile(fsys, name, read)
}

func indexBy[T any](xs []T, key func(T) string) map[string]int {
	m := make(map[string]int, len(xs))
	for i, x := range xs {
		m[key(x)] = i
	}
	return m
}
