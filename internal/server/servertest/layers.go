package servertest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// featureCollection is the part of an RFC 7946 FeatureCollection the
// layer tests read; Features stay raw so that two answers compare exactly.
type featureCollection struct {
	Type     string            `json:"type"`
	Features []json.RawMessage `json:"features"`
}

func featureIDs(t *testing.T, fc featureCollection) []string {
	t.Helper()
	ids := make([]string, len(fc.Features))
	for i, raw := range fc.Features {
		var f struct {
			Type string `json:"type"`
			ID   string `json:"id"`
		}
		if err := json.Unmarshal(raw, &f); err != nil || f.Type != "Feature" {
			t.Fatalf("feature %d: type %q, %v\n%s", i, f.Type, err, raw)
		}
		ids[i] = f.ID
	}
	return ids
}

// testLayers checks the GraphQL layer fields against /geojson/{layer}: for
// the same filter, simplify and precision the two answer the same features,
// byte for byte once decoded, in the same order; the ids are those the
// store returns for the domain filter the arguments stand for.
func testLayers(t *testing.T, h *harness) {
	ctx := h.ctx()
	wale := orb.Bound{Min: orb.Point{122.59, -5.475}, Max: orb.Point{122.62, -5.45}}
	date := func(s string) *time.Time {
		d, _ := time.Parse(time.DateOnly, s)
		return &d
	}
	yes, no := true, false
	y2016, y2019 := 2016, 2019
	projectIDs := func(f domain.ProjectFilter) func(*testing.T, store.Store) []string {
		return func(t *testing.T, s store.Store) []string {
			pg, err := s.Projects(ctx, f, domain.ProjectOrder{}, domain.Page{Limit: store.MaxPageSize})
			if err != nil || pg.TotalCount > len(pg.Items) {
				t.Fatalf("oracle: %d of %d projects, %v", len(pg.Items), pg.TotalCount, err)
			}
			return hitIDs(pg.Items)
		}
	}
	activityIDs := func(f domain.ActivityFilter) func(*testing.T, store.Store) []string {
		return func(t *testing.T, s store.Store) []string {
			pg, err := s.Activities(ctx, f, domain.Page{Limit: store.MaxPageSize})
			if err != nil || pg.TotalCount > len(pg.Items) {
				t.Fatalf("oracle: %d of %d activities, %v", len(pg.Items), pg.TotalCount, err)
			}
			return codesOf(pg.Items, func(a domain.Activity) string { return a.ID })
		}
	}
	world := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}

	tests := []struct {
		name  string
		field string // the GraphQL field
		args  string // its arguments
		url   string // the same request to /geojson
		want  func(*testing.T, store.Store) []string
	}{
		{"kecamatan", "kecamatanLayer", "(precision: 5)", "/geojson/kecamatan?precision=5",
			func(t *testing.T, s store.Store) []string {
				ks, err := s.Kecamatans(ctx, domain.KecamatanFilter{})
				if err != nil {
					t.Fatal(err)
				}
				return codesOf(ks, func(k domain.Kecamatan) string { return k.Code })
			}},
		{"kelurahan defaults", "kelurahanLayer", "", "/geojson/kelurahan",
			func(t *testing.T, s store.Store) []string {
				ks, err := s.Kelurahans(ctx, domain.KelurahanFilter{})
				if err != nil {
					t.Fatal(err)
				}
				return codesOf(ks, func(k domain.Kelurahan) string { return k.Code })
			}},
		{"kelurahan conflict-prone without forum, simplified", "kelurahanLayer",
			"(filter: {conflictProne: true, hasForum: false}, simplify: 25, precision: 6)",
			"/geojson/kelurahan?conflictProne=true&hasForum=false&simplify=25&precision=6",
			func(t *testing.T, s store.Store) []string {
				ks, err := s.Kelurahans(ctx, domain.KelurahanFilter{ConflictProne: &yes, HasForum: &no})
				if err != nil {
					t.Fatal(err)
				}
				return codesOf(ks, func(k domain.Kelurahan) string { return k.Code })
			}},
		{"kelurahan of a kecamatan in a box", "kelurahanLayer",
			`(filter: {kecamatanCode: "74.72.02", bbox: [122.59, -5.475, 122.62, -5.45]})`,
			"/geojson/kelurahan?kecamatanCode=74.72.02&bbox=122.59,-5.475,122.62,-5.45",
			func(t *testing.T, s store.Store) []string {
				ks, err := s.Kelurahans(ctx, domain.KelurahanFilter{KecamatanCode: "74.72.02", BBox: &wale})
				if err != nil {
					t.Fatal(err)
				}
				return codesOf(ks, func(k domain.Kelurahan) string { return k.Code })
			}},
		{"active forums of a kecamatan", "forumsLayer",
			`(filter: {statuses: [ACTIVE], kecamatanCode: "74.72.02"}, precision: 4)`,
			"/geojson/forums?statuses=ACTIVE&kecamatanCode=74.72.02&precision=4",
			func(t *testing.T, s store.Store) []string {
				fs, err := s.Forums(ctx, domain.ForumFilter{Statuses: []domain.ForumStatus{domain.ForumActive}, KecamatanCode: "74.72.02"})
				if err != nil {
					t.Fatal(err)
				}
				return codesOf(fs, func(f domain.Forum) string { return f.ID })
			}},
		{"projects by kind and years", "projectsLayer",
			"(filter: {kinds: [VILLAGE_ROAD, DRAINAGE_REHABILITATION], yearFrom: 2016, yearTo: 2019}, simplify: 5)",
			"/geojson/projects?kinds=VILLAGE_ROAD,DRAINAGE_REHABILITATION&yearFrom=2016&yearTo=2019&simplify=5",
			projectIDs(domain.ProjectFilter{Kinds: []domain.ProjectKind{domain.VillageRoad, domain.DrainageRehabilitation}, YearFrom: &y2016, YearTo: &y2019})},
		{"projects in a box", "projectsLayer",
			"(filter: {bbox: [122.59, -5.475, 122.62, -5.45]})",
			"/geojson/projects?bbox=122.59,-5.475,122.62,-5.45",
			projectIDs(domain.ProjectFilter{BBox: &wale})},
		{"every located activity", "activitiesLayer", "", "/geojson/activities",
			activityIDs(domain.ActivityFilter{BBox: &world})},
		{"dialogues since 2017", "activitiesLayer",
			`(filter: {kinds: [DIALOGUE], dateFrom: "2017-01-01"})`,
			"/geojson/activities?kinds=DIALOGUE&dateFrom=2017-01-01",
			activityIDs(domain.ActivityFilter{Kinds: []domain.ActivityKind{domain.Dialogue}, DateFrom: date("2017-01-01"), BBox: &world})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out map[string]featureCollection
			h.query(t, "{ "+tc.field+tc.args+" }", nil, &out)
			gql := out[tc.field]

			res := h.do(t, httptest.NewRequest(http.MethodGet, tc.url, nil))
			if res.Status != http.StatusOK {
				t.Fatalf("GET %s: status %d\n%s", tc.url, res.Status, res.Raw)
			}
			var rest featureCollection
			if err := json.Unmarshal(res.Raw, &rest); err != nil {
				t.Fatal(err)
			}

			if gql.Type != "FeatureCollection" || rest.Type != "FeatureCollection" {
				t.Fatalf("types %q and %q", gql.Type, rest.Type)
			}
			want := tc.want(t, h.store)
			if len(want) == 0 {
				t.Fatal("the oracle matched nothing: the case tests no feature")
			}
			if got := featureIDs(t, gql); !slices.Equal(got, want) {
				t.Errorf("GraphQL ids %v, want %v", got, want)
			}
			if got := featureIDs(t, rest); !slices.Equal(got, want) {
				t.Errorf("/geojson ids %v, want %v", got, want)
			}
			for i := range min(len(gql.Features), len(rest.Features)) {
				var a, b any
				_ = json.Unmarshal(gql.Features[i], &a)
				_ = json.Unmarshal(rest.Features[i], &b)
				if !reflect.DeepEqual(a, b) {
					t.Errorf("feature %d differs:\nGraphQL  %s\n/geojson %s", i, gql.Features[i], rest.Features[i])
				}
			}
		})
	}

	t.Run("filters narrow the layer", func(t *testing.T) {
		var out struct{ All, Roads featureCollection }
		h.query(t, `{ all: projectsLayer roads: projectsLayer(filter: {kinds: [VILLAGE_ROAD]}) }`, nil, &out)
		if n, m := len(out.All.Features), len(out.Roads.Features); m == 0 || m >= n {
			t.Errorf("%d roads of %d projects", m, n)
		}
	})

	t.Run("bad arguments", func(t *testing.T) {
		tests := []struct{ query, field string }{
			{`{ kecamatanLayer(simplify: -1) }`, "simplify"},
			{`{ kelurahanLayer(simplify: 10001) }`, "simplify"},
			{`{ forumsLayer(precision: 16) }`, "precision"},
			{`{ projectsLayer(precision: -1) }`, "precision"},
			{`{ projectsLayer(filter: {bbox: [1, 2, 3]}) }`, "filter.bbox"},
			{`{ activitiesLayer(filter: {bbox: [0, 0, 200, 1]}) }`, "filter.bbox"},
		}
		for _, tc := range tests {
			e := h.queryError(t, tc.query, nil, "BAD_USER_INPUT")
			if e.Extensions.Field != tc.field {
				t.Errorf("%s: field %q, want %q", tc.query, e.Extensions.Field, tc.field)
			}
		}
	})
}
