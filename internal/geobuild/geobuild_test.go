package geobuild

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/geodesy"
	"github.com/serasi/serasi/internal/spatial"
)

// sourcePath is the shared source, relative to this package.
const sourcePath = "../../../shared/data/baubau-kelurahan.geojson"

// committedDir is geodata/, relative to this package.
const committedDir = "../../geodata"

// compareCommitted fails for every file whose committed bytes differ from got.
func compareCommitted(t *testing.T, got map[string][]byte, regenerate string) {
	t.Helper()
	for name, b := range got {
		want, err := os.ReadFile(filepath.Join(committedDir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(b, want) {
			t.Errorf("geodata/%s differs from what the generator writes now (%d bytes vs %d committed); run `%s` and commit the result",
				name, len(b), len(want), regenerate)
		}
	}
}

func exteriorsCCW(g orb.Geometry) bool {
	for _, p := range polygons(g) {
		if p[0].Orientation() != orb.CCW {
			return false
		}
		for _, h := range p[1:] {
			if h.Orientation() != orb.CW {
				return false
			}
		}
	}
	return true
}

func TestNormaliseMatchesCommitted(t *testing.T) {
	src, err := os.ReadFile(sourcePath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("shared source %s is missing; the committed geodata cannot be checked against it", sourcePath)
	}
	if err != nil {
		t.Fatal(err)
	}
	n, err := Normalise(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Kelurahans) != 43 || len(n.Kecamatans) != 8 {
		t.Fatalf("got %d kelurahan and %d kecamatan, want 43 and 8", len(n.Kelurahans), len(n.Kecamatans))
	}
	for _, k := range n.Kelurahans {
		if !exteriorsCCW(k.Geometry) {
			t.Errorf("kelurahan %s: rings are not oriented per RFC 7946", k.Code)
		}
	}
	for _, k := range n.Kecamatans {
		if !exteriorsCCW(k.Geometry) {
			t.Errorf("kecamatan %s: rings are not oriented per RFC 7946", k.Code)
		}
		if k.Name == "" {
			t.Errorf("kecamatan %s has no name", k.Code)
		}
	}
	if n.LargestHoleSqM >= MinHoleSqM || n.DroppedHoles == 0 {
		t.Errorf("dropped %d holes, largest %.0f m²", n.DroppedHoles, n.LargestHoleSqM)
	}
	files, err := n.Files()
	if err != nil {
		t.Fatal(err)
	}
	compareCommitted(t, files, "go run ./cmd/serasi geodata normalise --source ../shared/data/baubau-kelurahan.geojson --out geodata")

	// The README records which source the files were built from.
	sum := sha256.Sum256(src)
	readme, err := os.ReadFile(filepath.Join(committedDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(readme, []byte(hex.EncodeToString(sum[:]))) {
		t.Errorf("geodata/README.md does not give the source's sha256 %x", sum)
	}
}

func TestNormaliseRejects(t *testing.T) {
	bowtie := `{"type":"Polygon","coordinates":[[[122.6,-5.5],[122.61,-5.49],[122.61,-5.5],[122.6,-5.49],[122.6,-5.5]]]}`
	square := `{"type":"Polygon","coordinates":[[[122.6,-5.5],[122.6,-5.49],[122.61,-5.49],[122.61,-5.5],[122.6,-5.5]]]}`
	feature := func(kode, nama, geom string) string {
		return `{"type":"Feature","properties":{"kode":"` + kode + `","nama":"` + nama + `","lat":0,"lng":0},"geometry":` + geom + `}`
	}
	tests := []struct {
		name, src, want string
	}{
		{"not json", `{`, "source"},
		{"not a collection", `{"type":"Feature"}`, "want FeatureCollection"},
		{"invalid polygon", `{"type":"FeatureCollection","features":[` + feature("74.72.02.1001", "Wale", bowtie) + `]}`, "74.72.02.1001 Wale"},
		{"point", `{"type":"FeatureCollection","features":[` + feature("74.72.02.1001", "Wale", `{"type":"Point","coordinates":[122.6,-5.5]}`) + `]}`, "want Polygon or MultiPolygon"},
		{"duplicate", `{"type":"FeatureCollection","features":[` + feature("74.72.02.1001", "Wale", square) + `,` + feature("74.72.02.1001", "Wale", square) + `]}`, "duplicate kode"},
		{"foreign kecamatan", `{"type":"FeatureCollection","features":[` + feature("74.71.02.1001", "Elsewhere", square) + `]}`, "not one of Kota Baubau's"},
		{"missing kecamatan", `{"type":"FeatureCollection","features":[` + feature("74.72.02.1001", "Wale", square) + `]}`, "kecamatan 74.72.01 Betoambari: has no kelurahan"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Normalise([]byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestDropSliverHoles(t *testing.T) {
	square := func(x, y, size float64) orb.Ring { // ~111 m per 0.001°
		return orb.Ring{{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}, {x, y}}
	}
	p := orb.Polygon{
		square(122.60, -5.50, 0.05),
		square(122.61, -5.49, 0.0005), // ~55 × 55 m ≈ 3,000 m²: a sliver, dropped
		square(122.62, -5.48, 0.002),  // ~220 × 220 m ≈ 49,000 m²: kept
	}
	n := &Normalised{}
	got := n.dropSliverHoles(orb.MultiPolygon{p}).(orb.MultiPolygon)
	if len(got[0]) != 2 || got[0][1][0] != p[2][0] {
		t.Fatalf("kept rings %v, want the exterior and the large hole", got[0])
	}
	if n.DroppedHoles != 1 || n.DroppedHoleSqM < 2500 || n.DroppedHoleSqM > 3500 {
		t.Errorf("dropped %d holes of %.0f m², want 1 of about 3,000 m²", n.DroppedHoles, n.DroppedHoleSqM)
	}
}

func committedKelurahans(t *testing.T) []domain.Kelurahan {
	t.Helper()
	f, err := os.Open(filepath.Join(committedDir, dataset.KelurahanFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	kels, err := dataset.ReadKelurahans(f)
	if err != nil {
		t.Fatal(err)
	}
	return kels
}

func TestSampleMatchesCommitted(t *testing.T) {
	kels := committedKelurahans(t)
	s, err := GenerateSample(kels, SampleSeed)
	if err != nil {
		t.Fatal(err)
	}
	files, err := s.Files()
	if err != nil {
		t.Fatal(err)
	}
	compareCommitted(t, files, "go run ./cmd/serasi geodata sample --out geodata")

	again, err := GenerateSample(kels, SampleSeed)
	if err != nil {
		t.Fatal(err)
	}
	files2, _ := again.Files()
	for name := range files {
		if !bytes.Equal(files[name], files2[name]) {
			t.Errorf("%s: two runs with the same seed differ", name)
		}
	}
}

func TestSampleShape(t *testing.T) {
	kels := committedKelurahans(t)
	s, err := GenerateSample(kels, SampleSeed)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.New(nil, kels, s.Forums)
	if err != nil {
		t.Fatal(err)
	}
	pl := newPlacer(nil, ds.Kelurahans, 0)

	cohorts := map[int]int{}
	served := map[string]bool{}
	for _, f := range s.Forums {
		cohorts[f.YearFormed]++
		for _, c := range f.KelurahanCodes {
			served[c] = true
		}
	}
	if len(s.Forums) != 5 || cohorts[2015] != 3 || cohorts[2017] != 2 {
		t.Errorf("forums by cohort %v, want 3 of 2015 and 2 of 2017", cohorts)
	}

	kinds := map[domain.ProjectKind]int{}
	statuses := map[domain.ProjectStatus]int{}
	noForum := 0
	for _, p := range s.Projects {
		kinds[p.Kind]++
		statuses[p.Status]++
		k, _ := ds.Kelurahan(p.KelurahanCode)
		if got := geodesy.DistanceToGeometry(vertices(p.Geometry)[0], pl.boundary[k.Code]); got < sampleMargin {
			t.Errorf("%s: first vertex %.1f m from the boundary of %s, want at least %g", p.ID, got, k.Name, sampleMargin)
		}
		if !spatial.Covers(k.Geometry, p.Geometry) {
			t.Errorf("%s: not covered by %s", p.ID, k.Name)
		}
		if p.ForumID == "" {
			noForum++
			continue
		}
		f, _ := ds.Forum(p.ForumID)
		if !slices.Contains(f.KelurahanCodes, p.KelurahanCode) || p.Year < f.YearFormed {
			t.Errorf("%s: kelurahan %s, year %d do not fit forum %s", p.ID, p.KelurahanCode, p.Year, f.ID)
		}
	}
	for _, kind := range domain.ProjectKinds {
		if kinds[kind] < 2 {
			t.Errorf("%d projects of kind %s, want at least 2", kinds[kind], kind)
		}
	}
	if len(statuses) != len(domain.ProjectStatuses) {
		t.Errorf("statuses %v, want every status", statuses)
	}
	if noForum == 0 || noForum > len(s.Projects)/4 {
		t.Errorf("%d of %d projects have no forum, want a few", noForum, len(s.Projects))
	}

	activityKinds := map[domain.ActivityKind]bool{}
	for _, a := range s.Activities {
		activityKinds[a.Kind] = true
	}
	if len(activityKinds) != len(domain.ActivityKinds) || len(s.Activities) < 25 {
		t.Errorf("%d activities of kinds %v, want about 30 of every kind", len(s.Activities), activityKinds)
	}

	unserved := 0
	for _, c := range s.ConflictProne.Kelurahan {
		if !served[c] {
			unserved++
		}
	}
	for c := range served {
		if !slices.Contains(s.ConflictProne.Kelurahan, c) {
			t.Errorf("kelurahan %s is served by a forum but not listed as conflict-prone", c)
		}
	}
	if unserved < 3 {
		t.Errorf("%d conflict-prone kelurahan without a forum, want about 4", unserved)
	}
}

func TestSyntheticProjects(t *testing.T) {
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	const n = 1400
	ps := SyntheticProjects(ds, n, 1)
	if len(ps) != n {
		t.Fatalf("got %d projects, want %d", len(ps), n)
	}
	if ps[0].ID != "syn-000001" || ps[n-1].ID != "syn-001400" {
		t.Errorf("ids run %s..%s", ps[0].ID, ps[n-1].ID)
	}
	kinds := map[domain.ProjectKind]int{}
	perKecamatan := map[string]int{}
	for _, p := range ps {
		kinds[p.Kind]++
		perKecamatan[domain.KecamatanCodeOf(p.KelurahanCode)]++
		k, _ := ds.Kelurahan(p.KelurahanCode)
		if !spatial.Covers(k.Geometry, p.Geometry) {
			t.Fatalf("%s: not covered by %s", p.ID, k.Name)
		}
	}
	if len(kinds) != len(domain.ProjectKinds) {
		t.Errorf("kinds %v, want all", kinds)
	}
	// Area-weighted: Sorawolio is a third of the city, Batupoaro well under 1 %.
	if sora, batu := perKecamatan["74.72.03"], perKecamatan["74.72.08"]; sora < n/5 || batu > n/50 {
		t.Errorf("Sorawolio got %d and Batupoaro %d of %d projects; not area-weighted", sora, batu, n)
	}

	// Written in the projects.geojson format, they load back unchanged.
	var buf bytes.Buffer
	if err := dataset.WriteProjects(&buf, ps); err != nil {
		t.Fatal(err)
	}
	back, err := ds.LoadProjects(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != n || back[17].Title != ps[17].Title || back[17].ForumID != ps[17].ForumID {
		t.Errorf("round trip changed the projects")
	}

	same := SyntheticProjects(ds, 50, 1)
	other := SyntheticProjects(ds, 50, 2)
	if same[49].Geometry.Bound() != ps[49].Geometry.Bound() {
		t.Error("the same seed gave different projects")
	}
	if other[49].Geometry.Bound() == ps[49].Geometry.Bound() {
		t.Error("another seed gave the same projects")
	}
}

func BenchmarkSyntheticProjects(b *testing.B) {
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		SyntheticProjects(ds, 10_000, 1)
	}
}
