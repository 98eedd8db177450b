package mirror_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/generalise"
	"github.com/serasi/serasi/internal/geobuild"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/mirror"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/tiles"
)

var baubau = orb.Point{122.61, -5.47}

// newStore is the sample data with n synthetic projects more.
func newStore(t testing.TB, n int) *memory.Store {
	t.Helper()
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	ds.Projects = append(ds.Projects, geobuild.SyntheticProjects(ds, n, 1)...)
	return memory.NewFromDataset(ds)
}

func newMirror(t testing.TB, s store.Store) *mirror.Mirror {
	t.Helper()
	m, err := mirror.New(context.Background(), s, mirror.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func marshal(t *testing.T, res layers.Result) string {
	t.Helper()
	if res.Features == nil {
		res.Features = []*geojson.Feature{} // the outputs render none as []
	}
	b, err := json.Marshal(struct {
		F       []*geojson.Feature
		More    bool
		Matched int
	}{res.Features, res.More, res.NumberMatched})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFetchMatchesStore asks every layer the same windows through the copy
// and through the store alone: the same features, properties, More and
// NumberMatched.
func TestFetchMatchesStore(t *testing.T) {
	s := newStore(t, 3000)
	m := newMirror(t, s)
	copied := m.Wrap(s)
	ctx := context.Background()
	boxes := []*orb.Bound{nil,
		{Min: orb.Point{122.585, -5.495}, Max: orb.Point{122.635, -5.445}},
		{Min: orb.Point{122.60, -5.48}, Max: orb.Point{122.605, -5.475}},
		{Min: orb.Point{100, 10}, Max: orb.Point{101, 11}},
	}
	for _, l := range layers.New().All() {
		for bi, box := range boxes {
			queries := []layers.Query{{BBox: box}, {BBox: box, Limit: 7}, {BBox: box, Limit: 5, Offset: 3}, {BBox: box, Offset: 1 << 20, Limit: 5}}
			full, err := l.Fetch(ctx, s, layers.Query{BBox: box})
			if err != nil {
				t.Fatal(err)
			}
			if l.Keyset && len(full.Features) > 2 {
				mid := fmt.Sprint(full.Features[len(full.Features)/2].ID)
				queries = append(queries, layers.Query{BBox: box, After: mid, Limit: 4}, layers.Query{BBox: box, After: mid})
			}
			for qi, q := range queries {
				t.Run(fmt.Sprintf("%s/box%d/q%d", l.Name, bi, qi), func(t *testing.T) {
					want, err := l.Fetch(ctx, s, q)
					if err != nil {
						t.Fatal(err)
					}
					got, err := l.Fetch(ctx, copied, q)
					if err != nil {
						t.Fatal(err)
					}
					if w, g := marshal(t, want), marshal(t, got); w != g {
						t.Errorf("copy answers\n%.600s\nthe store\n%.600s", g, w)
					}
				})
			}
		}
	}
	if n := m.Len()["projects"]; n < 3000 {
		t.Errorf("the copy holds %d projects, want the 3,000 synthetic ones and more", n)
	}
}

// TestTilesMatchStore encodes tiles from the copy and from the store
// alone: the same bytes.
func TestTilesMatchStore(t *testing.T) {
	s := newStore(t, 3000)
	copied := newMirror(t, s).Wrap(s)
	ctx := context.Background()
	nonEmpty := 0
	for _, l := range layers.New().All() {
		for z := maptile.Zoom(max(l.MinZoom, 10)); z <= maptile.Zoom(l.MaxZoom); z += 2 {
			tile := maptile.At(baubau, z)
			want, err := tiles.Encode(ctx, s, l, tile)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tiles.Encode(ctx, copied, l, tile)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(want, got) {
				t.Errorf("%s z%d: the copy's tile (%d B) differs from the store's (%d B)", l.Name, z, len(got), len(want))
			}
			if len(want) > 100 {
				nonEmpty++
			}
		}
	}
	if nonEmpty < 10 {
		t.Errorf("only %d tiles with features compared", nonEmpty)
	}
}

var editor = domain.Actor{TokenID: "tokeditor", Name: "editor", Role: domain.RoleEditor}

// TestApply follows writes: a created project is in the copy once its
// change is applied, an updated one shows its new title, a deleted one is
// gone; changes of other records leave the rest as it was.
func TestApply(t *testing.T) {
	s := newStore(t, 0)
	m := newMirror(t, s)
	copied := m.Wrap(s)
	ctx := context.Background()
	l, _ := layers.New().Lookup("projects")
	since := latest(t, s)
	apply := func() {
		t.Helper()
		page, err := s.Changes(ctx, since, 100)
		if err != nil {
			t.Fatal(err)
		}
		m.Apply(page.Changes)
		since = page.Latest
	}
	before := m.Len()
	in := domain.ProjectInput{
		Title: "Tugu keserasian uji", Kind: domain.HarmonyMonument, Geometry: baubau,
		Year: 2024, BudgetRupiah: 1, Status: domain.ProjectPlanned,
	}
	p, err := s.CreateProject(ctx, editor, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Feature(ctx, copied, p.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("before the change is applied the copy has %s (err %v)", p.ID, err)
	}
	apply()
	f, err := l.Feature(ctx, copied, p.ID)
	if err != nil || f.Properties["title"] != in.Title {
		t.Fatalf("after create: %v, %v", f, err)
	}
	box := orb.Bound{Min: baubau, Max: baubau}
	tileFeats := func() int {
		_, tags, _ := m.TileFeatures(l, maptile.At(baubau, 18), box.Pad(1e-6))
		n := 0
		for _, ts := range tags {
			for _, tag := range ts {
				if tag.Key == "id" && tag.Value.GetStringValue() == p.ID {
					n++
				}
			}
		}
		return n
	}
	if n := tileFeats(); n != 1 {
		t.Errorf("tile features hold the new project %d times", n)
	}

	in.Title = "Tugu keserasian uji, diubah"
	p, err = s.UpdateProject(ctx, editor, p.ID, p.Version, in)
	if err != nil {
		t.Fatal(err)
	}
	apply()
	if f, err = l.Feature(ctx, copied, p.ID); err != nil || f.Properties["title"] != in.Title {
		t.Fatalf("after update: %v, %v", f, err)
	}
	if n := tileFeats(); n != 1 {
		t.Errorf("after update, tile features hold the project %d times", n)
	}

	if _, err := s.DeleteProject(ctx, editor, p.ID, p.Version); err != nil {
		t.Fatal(err)
	}
	apply()
	if _, err := l.Feature(ctx, copied, p.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("after delete: %v, want ENOTFOUND", err)
	}
	if n := tileFeats(); n != 0 {
		t.Errorf("after delete, tile features hold the project %d times", n)
	}
	if after := m.Len(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("layers held %v before, %v after", before, after)
	}
}

func latest(t *testing.T, s store.ChangeFeed) int64 {
	t.Helper()
	page, err := s.Changes(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return page.Latest
}

// bandless hides a store's generalised geometries, as PostGIS keeps them
// only for its own tile query.
type bandless struct{ store.Store }

// TestTilesDrawBands: the copy draws an area from the geometry its store
// keeps for the zoom, as the store's own tiles do; over a store whose
// bands the copy cannot read, it leaves those zooms to the store.
func TestTilesDrawBands(t *testing.T) {
	set, err := boundaries.Read("../../../shared/data/baubau-kelurahan.geojson", boundaries.Options{Generalise: generalise.Geometries})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := memory.ImportBoundaries(dir, set); err != nil {
		t.Fatal(err)
	}
	s, err := memory.Open(geodata.FS, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	l, _ := layers.New().Lookup("kelurahan")
	original := func(tile maptile.Tile) []byte {
		b, err := tiles.Encode(ctx, bandless{s}, l, tile)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, src := range []store.Store{s, bandless{s}} {
		copied := newMirror(t, src).Wrap(src)
		for z := maptile.Zoom(l.MinZoom); z <= 13; z++ {
			tile := maptile.At(baubau, z)
			want, err := tiles.Encode(ctx, src, l, tile)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tiles.Render(ctx, copied, l, tile)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(want, got) {
				t.Errorf("%T z%d: the copy's tile (%d B) differs from the store's (%d B)", src, z, len(got), len(want))
			}
			// Where no kelurahan is over its min zoom there is nothing to draw.
			if _, ok := src.(*memory.Store); ok && z < 12 && drawsFeatures(t, got) && bytes.Equal(got, original(tile)) {
				t.Errorf("z%d: the copy drew the original geometries, not the band's", z)
			}
		}
	}
}

// TestLayersOption holds only the layers named: the others are the
// store's to answer, through the same wrapped store.
func TestLayersOption(t *testing.T) {
	s := newStore(t, 100)
	m, err := mirror.New(context.Background(), s, mirror.Options{Layers: []string{"forums", "projects", "activities"}})
	if err != nil {
		t.Fatal(err)
	}
	reg := layers.New()
	tile := maptile.At(baubau, 14)
	for _, l := range reg.All() {
		held := l.Name == "forums" || l.Name == "projects" || l.Name == "activities"
		if _, ok := m.CopyFetch(l, layers.Query{Limit: 5}); ok != held {
			t.Errorf("%s: CopyFetch answered %v, want %v", l.Name, ok, held)
		}
		if _, _, ok := m.TileFeatures(l, tile, tile.Bound()); ok != held {
			t.Errorf("%s: TileFeatures answered %v, want %v", l.Name, ok, held)
		}
		want, err := tiles.Encode(context.Background(), s, l, tile)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tiles.Encode(context.Background(), m.Wrap(s), l, tile)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the tile through the copy differs from the store's", l.Name)
		}
	}
	if n := m.Len(); n["kelurahan"] != 0 || n["projects"] < 100 {
		t.Errorf("the copy holds %v", n)
	}
}

func drawsFeatures(t *testing.T, tile []byte) bool {
	t.Helper()
	ls, err := mvt.Unmarshal(tile)
	if err != nil {
		t.Fatal(err)
	}
	return len(ls) == 1 && len(ls[0].Features) > 0
}
