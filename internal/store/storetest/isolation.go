package storetest

import (
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

// testIsolation changes everything a store hands out, then checks that the
// store still answers with the original records.
func testIsolation(t *testing.T, su *suite) {
	ds := su.ds
	ctx := su.ctx
	s := su.s

	scribble := func(g orb.Geometry) {
		switch g := g.(type) {
		case orb.Point:
		case orb.LineString:
			g[0] = orb.Point{1, 1}
		case orb.Polygon:
			g[0][0] = orb.Point{1, 1}
			g[0] = append(g[0], orb.Point{2, 2})
		case orb.MultiPolygon:
			g[0][0][0] = orb.Point{1, 1}
		}
	}
	later := time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)

	kecs, _ := s.Kecamatans(ctx, domain.KecamatanFilter{})
	for i := range kecs {
		kecs[i].Name = "x"
		scribble(kecs[i].Geometry)
	}
	if kel, err := s.KelurahanAt(ctx, walePoint); err == nil {
		kel.Name = "x"
		scribble(kel.Geometry)
	}
	kels, _ := s.Kelurahans(ctx, domain.KelurahanFilter{})
	for i := range kels {
		scribble(kels[i].Geometry)
	}
	if len(kels) > 0 {
		kels[0] = domain.Kelurahan{}
	}
	byCodes, _ := s.KelurahansByCodes(ctx, []string{ds.Kelurahans[0].Code, ds.Kelurahans[1].Code})
	for i := range byCodes {
		scribble(byCodes[i].Geometry)
	}
	forums, _ := s.Forums(ctx, domain.ForumFilter{})
	for i := range forums {
		if len(forums[i].KelurahanCodes) > 0 {
			forums[i].KelurahanCodes[0] = "x"
		}
	}
	byIDs, _ := s.ForumsByIDs(ctx, []string{ds.Forums[0].ID})
	for i := range byIDs {
		byIDs[i].KelurahanCodes[0] = "y"
	}
	if f, err := s.Forum(ctx, ds.Forums[0].ID); err == nil && len(f.KelurahanCodes) > 0 {
		f.KelurahanCodes[0] = "z"
	}
	page, _ := s.Projects(ctx, domain.ProjectFilter{}, domain.ProjectOrder{}, domain.Page{Limit: 500})
	for i := range page.Items {
		scribble(page.Items[i].Geometry)
		if page.Items[i].StartDate != nil {
			*page.Items[i].StartDate = later
		}
	}
	nearest, _ := s.NearestProjects(ctx, walePoint, 20, nil)
	for i := range nearest {
		scribble(nearest[i].Geometry)
		if nearest[i].FinishDate != nil {
			*nearest[i].FinishDate = later
		}
	}
	if p, err := s.Project(ctx, ds.Projects[0].ID); err == nil {
		scribble(p.Geometry)
	}
	acts, _ := s.Activities(ctx, domain.ActivityFilter{}, domain.Page{Limit: 500})
	for i := range acts.Items {
		if acts.Items[i].Location != nil {
			acts.Items[i].Location[0] = 0
		}
	}

	// Everything must still read as in the data set.
	gotKecs, err := s.Kecamatans(ctx, domain.KecamatanFilter{})
	if err != nil || len(gotKecs) != len(ds.Kecamatans) {
		t.Fatalf("Kecamatans: %d, %v", len(gotKecs), err)
	}
	for i, want := range ds.Kecamatans {
		checkKecamatan(t, want, gotKecs[i])
	}
	gotKels, err := s.Kelurahans(ctx, domain.KelurahanFilter{})
	if err != nil || len(gotKels) != len(ds.Kelurahans) {
		t.Fatalf("Kelurahans: %d, %v", len(gotKels), err)
	}
	for i, want := range ds.Kelurahans {
		checkKelurahan(t, want, gotKels[i])
	}
	if got, err := s.KelurahanAt(ctx, walePoint); err != nil {
		t.Errorf("KelurahanAt: %v", err)
	} else {
		checkKelurahan(t, mustKelurahan(t, su, waleCode), got)
	}
	gotForums, err := s.Forums(ctx, domain.ForumFilter{})
	if err != nil || len(gotForums) != len(ds.Forums) {
		t.Fatalf("Forums: %d, %v", len(gotForums), err)
	}
	for i, want := range ds.Forums {
		checkForum(t, want, gotForums[i])
	}
	for _, want := range ds.Projects {
		got, err := s.Project(ctx, want.ID)
		if err != nil {
			t.Errorf("Project(%s): %v", want.ID, err)
			continue
		}
		checkProject(t, want, got)
	}
	gotActs, err := s.Activities(ctx, domain.ActivityFilter{}, domain.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range gotActs.Items {
		for _, want := range ds.Activities {
			if want.ID == got.ID {
				checkActivity(t, want, got)
			}
		}
	}
}
