package dataset_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
)

func TestLoadEmbedded(t *testing.T) {
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	counts := []struct {
		what      string
		got, want int
	}{
		{"kecamatan", len(ds.Kecamatans), 8},
		{"kelurahan", len(ds.Kelurahans), 43},
		{"forums", len(ds.Forums), 5},
		{"projects", len(ds.Projects), 40},
		{"activities", len(ds.Activities), 30},
	}
	for _, c := range counts {
		if c.got != c.want {
			t.Errorf("%d %s, want %d", c.got, c.what, c.want)
		}
	}
	if !slices.IsSortedFunc(ds.Kelurahans, func(a, b domain.Kelurahan) int { return strings.Compare(a.Code, b.Code) }) {
		t.Error("kelurahan are not ordered by code")
	}
	if !slices.IsSortedFunc(ds.Activities, func(a, b domain.Activity) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	}) {
		t.Error("activities are not ordered by date, id")
	}
	conflictProne := 0
	for _, k := range ds.Kelurahans {
		if k.ConflictProne {
			conflictProne++
		}
		if k.AreaSqM <= 0 || k.Bound.IsEmpty() || !k.Bound.Contains(k.Centroid) {
			t.Errorf("kelurahan %s: area %g, bound %v, centroid %v", k.Code, k.AreaSqM, k.Bound, k.Centroid)
		}
	}
	if conflictProne < 8 || conflictProne > 12 {
		t.Errorf("%d conflict-prone kelurahan, want about 10", conflictProne)
	}
	wale, ok := ds.Kelurahan("74.72.02.1001")
	if !ok || wale.Name != "Wale" || wale.KecamatanCode != "74.72.02" {
		t.Errorf("Kelurahan(74.72.02.1001) = %+v, %v", wale.Name, ok)
	}
	// Sorawolio is the largest kecamatan, about 110 km².
	if a := ds.Kecamatans[2].AreaSqM; ds.Kecamatans[2].Name != "Sorawolio" || a < 100e6 || a > 120e6 {
		t.Errorf("kecamatan 74.72.03 = %s, %g m²", ds.Kecamatans[2].Name, a)
	}
}

// TestWriteRoundTrip checks that writing the loaded records gives the
// committed files back byte for byte: reading and writing agree.
func TestWriteRoundTrip(t *testing.T) {
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	writers := map[string]func(*bytes.Buffer) error{
		dataset.KecamatanFile:  func(b *bytes.Buffer) error { return dataset.WriteKecamatans(b, ds.Kecamatans) },
		dataset.KelurahanFile:  func(b *bytes.Buffer) error { return dataset.WriteKelurahans(b, ds.Kelurahans) },
		dataset.ForumsFile:     func(b *bytes.Buffer) error { return dataset.WriteForums(b, ds.Forums) },
		dataset.ProjectsFile:   func(b *bytes.Buffer) error { return dataset.WriteProjects(b, ds.Projects) },
		dataset.ActivitiesFile: func(b *bytes.Buffer) error { return dataset.WriteActivities(b, ds.Activities) },
	}
	for name, write := range writers {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := write(&buf); err != nil {
				t.Fatal(err)
			}
			want, err := fs.ReadFile(geodata.FS, name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("writing the loaded records does not reproduce %s", name)
			}
		})
	}
}

// copyFS returns a writable copy of the embedded files.
func copyFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	entries, err := fs.ReadDir(geodata.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(geodata.FS, e.Name())
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = &fstest.MapFile{Data: b}
	}
	return m
}

type jsonFeature = map[string]any

// editFeatures decodes a FeatureCollection file, lets edit change its
// features, and encodes it again.
func editFeatures(t *testing.T, m fstest.MapFS, name string, edit func(fs []jsonFeature) []jsonFeature) {
	t.Helper()
	var fc struct {
		Type     string        `json:"type"`
		Features []jsonFeature `json:"features"`
	}
	if err := json.Unmarshal(m[name].Data, &fc); err != nil {
		t.Fatal(err)
	}
	fc.Features = edit(fc.Features)
	b, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	m[name].Data = b
}

func props(f jsonFeature) map[string]any { return f["properties"].(map[string]any) }

// find returns the first feature whose property key has value v.
func find(t *testing.T, fs []jsonFeature, key string, v any) jsonFeature {
	t.Helper()
	for _, f := range fs {
		if props(f)[key] == v {
			return f
		}
	}
	t.Fatalf("no feature with %s = %v", key, v)
	return nil
}

func TestLoadRejects(t *testing.T) {
	bowtie := map[string]any{"type": "Polygon", "coordinates": [][][]float64{{
		{122.6, -5.5}, {122.61, -5.49}, {122.61, -5.5}, {122.6, -5.49}, {122.6, -5.5}}}}
	point := func(lon, lat float64) map[string]any {
		return map[string]any{"type": "Point", "coordinates": []float64{lon, lat}}
	}
	// prop sets one property of the first feature of kind k in file.
	setProp := func(file, key string, v any) func(*testing.T, fstest.MapFS) {
		return func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, file, func(fs []jsonFeature) []jsonFeature {
				props(fs[0])[key] = v
				return fs
			})
		}
	}
	tests := []struct {
		name string
		edit func(*testing.T, fstest.MapFS)
		want string
	}{
		{"missing file", func(t *testing.T, m fstest.MapFS) { delete(m, dataset.ForumsFile) }, "forums.geojson"},
		{"not json", func(t *testing.T, m fstest.MapFS) { m[dataset.ProjectsFile].Data = []byte("{") }, "projects.geojson"},
		{"misspelt property", setProp(dataset.ProjectsFile, "forum_id", "x"), `unknown field "forum_id"`},
		{"duplicate kelurahan", func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, dataset.KelurahanFile, func(fs []jsonFeature) []jsonFeature { return append(fs, fs[3]) })
		}, `kelurahan "74.72.01.1014": duplicate kode`},
		{"invalid kelurahan geometry", func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, dataset.KelurahanFile, func(fs []jsonFeature) []jsonFeature {
				fs[0]["geometry"] = bowtie
				return fs
			})
		}, `kelurahan.geojson: kelurahan "74.72.01.1007"`},
		{"kecamatan code mismatch", setProp(dataset.KelurahanFile, "kecamatanKode", "74.72.02"), `does not match`},
		{"duplicate kecamatan", func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, dataset.KecamatanFile, func(fs []jsonFeature) []jsonFeature { return append(fs, fs[2]) })
		}, `kecamatan.geojson: kecamatan "74.72.03": duplicate kode`},
		{"kecamatan code shape", setProp(dataset.KecamatanFile, "kode", "74.72.1"), `kecamatan "74.72.1": kode is not a kecamatan code (like 74.72.01)`},
		{"kecamatan without nama", setProp(dataset.KecamatanFile, "nama", " "), `kecamatan "74.72.01": nama is empty`},
		{"kecamatan as a point", func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, dataset.KecamatanFile, func(fs []jsonFeature) []jsonFeature {
				fs[0]["geometry"] = point(122.6, -5.5)
				return fs
			})
		}, `kecamatan "74.72.01": geometry must be a Polygon or MultiPolygon`},
		{"kelurahan code of a desa shape", setProp(dataset.KelurahanFile, "kode", "74.72.01.4007"), `kode is not a kelurahan (1xxx) or desa`},
		{"centroid elsewhere", setProp(dataset.KelurahanFile, "centroid", []float64{0, 0}), `kelurahan "74.72.01.1007": centroid [0 0] lies outside`},
		{"unknown kecamatan", func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, dataset.KecamatanFile, func(fs []jsonFeature) []jsonFeature { return fs[1:] })
		}, `kecamatan "74.72.01" is unknown`},
		{"conflict-prone unknown", func(t *testing.T, m fstest.MapFS) {
			m[dataset.ConflictProneFile].Data = []byte(`{"illustrative":true,"note":"","kelurahan":["74.72.99.9999"]}`)
		}, `conflict-prone.json: kelurahan "74.72.99.9999" is unknown`},
		{"duplicate forum", func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, dataset.ForumsFile, func(fs []jsonFeature) []jsonFeature { return append(fs, fs[0]) })
		}, `forum "fks-2015-bonebone": duplicate id`},
		{"unknown forum status", setProp(dataset.ForumsFile, "status", "DORMANT"), `status "DORMANT" is unknown`},
		{"forum kelurahan unknown", setProp(dataset.ForumsFile, "kelurahan", []string{"74.72.99.9999"}), `kelurahan "74.72.99.9999" is unknown`},
		{"secretariat elsewhere", func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, dataset.ForumsFile, func(fs []jsonFeature) []jsonFeature {
				fs[0]["geometry"] = point(0, 0)
				return fs
			})
		}, `forum "fks-2015-bonebone": secretariat is not inside`},
		{"duplicate project", func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, dataset.ProjectsFile, func(fs []jsonFeature) []jsonFeature { return append(fs, fs[4]) })
		}, `project "prj-005": duplicate id`},
		{"unknown project kind", setProp(dataset.ProjectsFile, "kind", "BRIDGE"), `project "prj-001": kind "BRIDGE" is unknown`},
		{"unknown project status", setProp(dataset.ProjectsFile, "status", "DONE"), `status "DONE" is unknown`},
		{"unknown project kelurahan", setProp(dataset.ProjectsFile, "kelurahan", "74.72.99.9999"), `project "prj-001": kelurahan "74.72.99.9999" is unknown`},
		{"unknown project forum", setProp(dataset.ProjectsFile, "forumId", "fks-1999-nowhere"), `project "prj-001": forum "fks-1999-nowhere" is unknown`},
		{"project before its forum", func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, dataset.ProjectsFile, func(fs []jsonFeature) []jsonFeature {
				p := props(find(t, fs, "forumId", "fks-2017-katobengke"))
				p["year"] = 2015
				return fs
			})
		}, `is before forum fks-2017-katobengke was formed`},
		{"finish before start", func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, dataset.ProjectsFile, func(fs []jsonFeature) []jsonFeature {
				p := props(find(t, fs, "status", "COMPLETED"))
				p["finishDate"] = "2014-01-01"
				return fs
			})
		}, `finishDate 2014-01-01 is before startDate`},
		{"bad date", func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, dataset.ProjectsFile, func(fs []jsonFeature) []jsonFeature {
				props(find(t, fs, "status", "COMPLETED"))["startDate"] = "17/08/2019"
				return fs
			})
		}, `startDate: parsing time`},
		{"point for a road", func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, dataset.ProjectsFile, func(fs []jsonFeature) []jsonFeature {
				f := find(t, fs, "kind", "VILLAGE_ROAD")
				coords := f["geometry"].(map[string]any)["coordinates"].([]any)[0].([]any)
				f["geometry"] = point(coords[0].(float64), coords[1].(float64))
				return fs
			})
		}, `a VILLAGE_ROAD must have a LineString geometry`},
		{"invalid field polygon", func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, dataset.ProjectsFile, func(fs []jsonFeature) []jsonFeature {
				find(t, fs, "kind", "SPORTS_FIELD")["geometry"] = bowtie
				return fs
			})
		}, `project "prj-002": geometry: `},
		{"project outside its kelurahan", func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, dataset.ProjectsFile, func(fs []jsonFeature) []jsonFeature {
				find(t, fs, "kind", "HARMONY_MONUMENT")["geometry"] = point(122.5, -5.0)
				return fs
			})
		}, `is not covered by its kelurahan`},
		{"project with no geometry", func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, dataset.ProjectsFile, func(fs []jsonFeature) []jsonFeature {
				fs[0]["geometry"] = nil
				return fs
			})
		}, `project "prj-001": a`},
		{"unknown activity kind", setProp(dataset.ActivitiesFile, "kind", "PARADE"), `kind "PARADE" is unknown`},
		{"unknown activity forum", setProp(dataset.ActivitiesFile, "forumId", "fks-x"), `forum "fks-x" is unknown`},
		{"activity outside its kelurahan", func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, dataset.ActivitiesFile, func(fs []jsonFeature) []jsonFeature {
				for _, f := range fs {
					if f["geometry"] != nil {
						f["geometry"] = point(122.5, -5.0)
						break
					}
				}
				return fs
			})
		}, `location is not inside its kelurahan`},
		{"activity without location elsewhere", func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, dataset.ActivitiesFile, func(fs []jsonFeature) []jsonFeature {
				for _, f := range fs {
					if f["geometry"] == nil {
						props(f)["kelurahan"] = "74.72.03.1004"
						break
					}
				}
				return fs
			})
		}, `has no location, so its kelurahan must be its forum's first`},
		{"duplicate activity", func(t *testing.T, m fstest.MapFS) {
			editFeatures(t, m, dataset.ActivitiesFile, func(fs []jsonFeature) []jsonFeature { return append(fs, fs[2]) })
		}, `activity "act-003": duplicate id`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := copyFS(t)
			tc.edit(t, m)
			_, err := dataset.Load(m)
			if err == nil {
				t.Fatalf("Load succeeded, want an error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %q, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestLoadProjects(t *testing.T) {
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := dataset.WriteProjects(&buf, ds.Projects[:3]); err != nil {
		t.Fatal(err)
	}
	ps, err := ds.LoadProjects(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 3 || ps[2].ID != ds.Projects[2].ID || ps[2].Year != ds.Projects[2].Year {
		t.Errorf("LoadProjects gave %d projects", len(ps))
	}
	if _, err := ds.LoadProjects(strings.NewReader(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"id":"x"}}]}`)); err == nil {
		t.Error("LoadProjects accepted a project with no title, kind or geometry")
	}
}
