package boundaries

import (
	"archive/tar"
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// Read reads the boundaries at p: a .geojson file, a folder (every
// .geojson under it, in name order), or a tar archive of them (.tar,
// .tar.zst, .tzst), streamed without unpacking. Each feature's level comes
// from its code ("74", "74.72", "74.72.02", "74.72.02.1001"), whatever file
// it is in. A feature that cannot be used is refused and reported, not
// fatal; a file that is not GeoJSON is an error.
func Read(p string, opt Options) (*Set, error) {
	r := newReader(opt)
	if err := r.walk(p); err != nil {
		return nil, err
	}
	return r.finish()
}

// ReadFS is Read over the .geojson files of fsys (tests use fstest.MapFS).
func ReadFS(fsys fs.FS, opt Options) (*Set, error) {
	r := newReader(opt)
	names, err := geojsonFiles(fsys)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, fmt.Errorf("boundaries: %w", err)
		}
		err = r.file(name, f)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return r.finish()
}

func geojsonFiles(fsys fs.FS) ([]string, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && isGeoJSON(name) {
			names = append(names, name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("boundaries: %w", err)
	}
	slices.Sort(names)
	return names, nil
}

func isGeoJSON(name string) bool {
	return strings.HasSuffix(name, ".geojson") && !strings.HasPrefix(path.Base(name), ".")
}

func (r *reader) walk(p string) error {
	st, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("boundaries: %w", err)
	}
	if st.IsDir() {
		names, err := geojsonFiles(os.DirFS(p))
		if err != nil {
			return err
		}
		for _, name := range names {
			if err := r.openFile(filepath.Join(p, filepath.FromSlash(name)), name); err != nil {
				return err
			}
		}
		return nil
	}
	switch {
	case strings.HasSuffix(p, ".tar.zst"), strings.HasSuffix(p, ".tzst"):
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("boundaries: %w", err)
		}
		defer f.Close()
		zr, err := zstd.NewReader(bufio.NewReaderSize(f, 1<<20))
		if err != nil {
			return fmt.Errorf("boundaries: %s: %w", p, err)
		}
		defer zr.Close()
		return r.tar(p, zr)
	case strings.HasSuffix(p, ".tar"):
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("boundaries: %w", err)
		}
		defer f.Close()
		return r.tar(p, bufio.NewReaderSize(f, 1<<20))
	}
	return r.openFile(p, filepath.Base(p))
}

func (r *reader) openFile(p, name string) error {
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("boundaries: %w", err)
	}
	defer f.Close()
	return r.file(name, bufio.NewReaderSize(f, 1<<20))
}

// tar reads the .geojson members of a tar stream in archive order.
func (r *reader) tar(p string, in io.Reader) error {
	tr := tar.NewReader(in)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("boundaries: %s: %w", p, err)
		}
		if h.Typeflag != tar.TypeReg || !isGeoJSON(h.Name) {
			continue
		}
		if err := r.file(h.Name, tr); err != nil {
			return err
		}
	}
}

// sourceFeature is one feature of the wilayah_boundaries format.
type sourceFeature struct {
	Type       string          `json:"type"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties struct {
		// Kode is a string for kecamatan and kelurahan, a number for
		// provinsi (74) and kabupaten/kota (74.1 for 74.10).
		Kode json.RawMessage `json:"kode"`
		Nama string          `json:"nama"`
	} `json:"properties"`
}

// file reads one FeatureCollection.
func (r *reader) file(name string, in io.Reader) error {
	var fc struct {
		Type     string          `json:"type"`
		Features []sourceFeature `json:"features"`
	}
	if err := json.NewDecoder(in).Decode(&fc); err != nil {
		return fmt.Errorf("boundaries: %s: %w", name, err)
	}
	if fc.Type != "FeatureCollection" {
		return fmt.Errorf("boundaries: %s: type is %q, want FeatureCollection", name, fc.Type)
	}
	r.report.Files++
	if len(fc.Features) == 0 {
		r.report.EmptyFiles = append(r.report.EmptyFiles, name)
	}
	if r.opt.Progress != nil {
		fmt.Fprintf(r.opt.Progress, "%s: %d features\n", name, len(fc.Features))
	}
	for _, f := range fc.Features {
		r.report.Features++
		r.feature(name, f)
	}
	return nil
}

var codePattern = regexp.MustCompile(`^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$`)

// parseCode reads a kode property. A number loses the trailing zero of its
// second segment (74.10 is written 74.1), which is put back.
func parseCode(raw json.RawMessage) (string, error) {
	s := strings.TrimSpace(string(raw))
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
	} else {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "", fmt.Errorf("kode %s is neither a string nor a number", s)
		}
		if a, b, ok := strings.Cut(s, "."); ok && len(b) == 1 {
			s = a + "." + b + "0"
		}
	}
	if !codePattern.MatchString(s) {
		return "", fmt.Errorf("kode %q is not a Kemendagri code (74, 74.72, 74.72.02 or 74.72.02.1001)", s)
	}
	return s, nil
}
