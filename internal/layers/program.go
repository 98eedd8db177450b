package layers

import (
	"context"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

func forumLayer() *Layer {
	l := &Layer{
		Name:          "forums",
		Title:         "Forum Keserasian Sosial",
		Description:   "Forum Keserasian Sosial (FKS), di lokasi sekretariatnya.",
		GeometryTypes: []string{"Point"},
		IDProperty:    "id",
		Fields: []Field{
			{Name: "id", Type: String, Description: "Forum id, e.g. fks-2015-wale"},
			{Name: "name", Type: String, Description: "Forum name"},
			{Name: "status", Type: String, Description: "ACTIVE or INACTIVE"},
			{Name: "statusLabelId", Type: String, Description: "Indonesian label of the status"},
			{Name: "yearFormed", Type: Integer, Description: "Cohort year"},
			{Name: "memberCount", Type: Integer, Description: "Number of members"},
			{Name: "kelurahanCode", Type: String, Description: "Kelurahan of the secretariat"},
			{Name: "kelurahanCodes", Type: String, Description: "Comma-separated codes of every kelurahan served"},
			{Name: "description", Type: String, Detail: true, Description: "Description"},
		},
		Params: []Param{
			{Name: "statuses", Aliases: []string{"status"}, Type: String, List: true,
				Enum: enumStrings([]domain.ForumStatus{domain.ForumActive, domain.ForumInactive}), Description: "Forum statuses"},
			{Name: "yearFormed", Type: Integer, Description: "Cohort year"},
			{Name: "kelurahanCode", Type: String, Description: "Forums serving this kelurahan"},
			{Name: "kecamatanCode", Type: String, Description: "Forums serving a kelurahan of this kecamatan"},
		},
		MinZoom: 8, MaxZoom: 18, Keyset: true,
	}
	l.fetch = func(ctx context.Context, s store.Store, q Query) (Result, error) {
		f, err := forumFilter(values{l, q.Filter})
		if err != nil {
			return Result{}, err
		}
		all, err := ForumFeatures(ctx, s, f)
		if err != nil {
			return Result{}, err
		}
		var feats []*geojson.Feature
		for _, fe := range all {
			if q.BBox != nil && !q.BBox.Contains(fe.Point()) {
				continue
			}
			feats = append(feats, fe)
		}
		return window(feats, q), nil
	}
	l.get = func(ctx context.Context, s store.Store, id string) (*geojson.Feature, error) {
		f, err := s.Forum(ctx, id)
		if err != nil {
			return nil, err
		}
		return forumFeature(f), nil
	}
	return l
}

func forumFeature(fo domain.Forum) *geojson.Feature {
	f := geojson.NewFeature(fo.Secretariat)
	f.ID = fo.ID
	var first any
	if len(fo.KelurahanCodes) > 0 {
		first = fo.KelurahanCodes[0]
	}
	f.Properties = geojson.Properties{
		"id":             fo.ID,
		"name":           fo.Name,
		"status":         string(fo.Status),
		"statusLabelId":  fo.Status.LabelID(),
		"yearFormed":     fo.YearFormed,
		"memberCount":    fo.MemberCount,
		"kelurahanCode":  first,
		"kelurahanCodes": strings.Join(fo.KelurahanCodes, ","),
		"description":    fo.Description,
	}
	return f
}

func projectLayer() *Layer {
	kinds, statuses := enumStrings(domain.ProjectKinds), enumStrings(domain.ProjectStatuses)
	l := &Layer{
		Name:          "projects",
		Title:         "Kegiatan fisik",
		Description:   "Kegiatan fisik program: jalan lingkungan, drainase, rumah ibadah, lapangan olahraga, ...",
		GeometryTypes: []string{"Point", "LineString", "Polygon"},
		IDProperty:    "id",
		Fields: []Field{
			{Name: "id", Type: String, Description: "Project id, e.g. prj-001"},
			{Name: "title", Type: String, Description: "Title"},
			{Name: "kind", Type: String, Description: "Project kind, e.g. VILLAGE_ROAD"},
			{Name: "kindLabelId", Type: String, Description: "Indonesian label of the kind"},
			{Name: "status", Type: String, Description: "PLANNED, IN_PROGRESS, COMPLETED or CANCELLED"},
			{Name: "statusLabelId", Type: String, Description: "Indonesian label of the status"},
			{Name: "year", Type: Integer, Description: "Budget year"},
			{Name: "budgetRupiah", Type: Integer, Description: "Budget in rupiah"},
			{Name: "beneficiaries", Type: Integer, Description: "Number of beneficiaries"},
			{Name: "forumId", Type: String, Nullable: true, Description: "Forum attached, if any"},
			{Name: "kelurahanCode", Type: String, Description: "Kelurahan at the first coordinate"},
			{Name: "kecamatanCode", Type: String, Description: "Kecamatan of that kelurahan"},
			{Name: "startDate", Type: String, Format: "date", Nullable: true, Description: "Start date"},
			{Name: "finishDate", Type: String, Format: "date", Nullable: true, Description: "Finish date"},
			{Name: "description", Type: String, Detail: true, Description: "Description"},
		},
		Params: []Param{
			{Name: "kinds", Aliases: []string{"kind"}, Type: String, List: true, Enum: kinds, Description: "Project kinds"},
			{Name: "statuses", Aliases: []string{"status"}, Type: String, List: true, Enum: statuses, Description: "Project statuses"},
			{Name: "yearFrom", Type: Integer, Description: "First budget year (inclusive)"},
			{Name: "yearTo", Type: Integer, Description: "Last budget year (inclusive)"},
			{Name: "year", Type: Integer, Description: "Budget year (sets yearFrom and yearTo)"},
			{Name: "kelurahanCodes", Aliases: []string{"kelurahanCode"}, Type: String, List: true, Description: "Kelurahan codes"},
			{Name: "kecamatanCodes", Aliases: []string{"kecamatanCode"}, Type: String, List: true, Description: "Kecamatan codes"},
			{Name: "forumId", Type: String, Description: "Projects of this forum"},
		},
		MinZoom: 8, MaxZoom: 18, Keyset: true,
	}
	l.fetch = func(ctx context.Context, s store.Store, q Query) (Result, error) {
		f, err := projectFilter(values{l, q.Filter})
		if err != nil {
			return Result{}, err
		}
		f.BBox = q.BBox
		return projectFeatures(ctx, s, f, q)
	}
	l.get = func(ctx context.Context, s store.Store, id string) (*geojson.Feature, error) {
		p, err := s.Project(ctx, id)
		if err != nil {
			return nil, err
		}
		return projectFeature(p), nil
	}
	return l
}

func projectFilter(r values) (domain.ProjectFilter, error) {
	var f domain.ProjectFilter
	var err error
	if f.Kinds, err = enum(r, "kinds", domain.ProjectKinds); err != nil {
		return f, err
	}
	if f.Statuses, err = enum(r, "statuses", domain.ProjectStatuses); err != nil {
		return f, err
	}
	if f.YearFrom, err = r.int("yearFrom"); err != nil {
		return f, err
	}
	if f.YearTo, err = r.int("yearTo"); err != nil {
		return f, err
	}
	year, err := r.int("year")
	if err != nil {
		return f, err
	}
	if year != nil {
		if f.YearFrom != nil || f.YearTo != nil {
			return f, domain.Invalid("year", "cannot be combined with yearFrom or yearTo")
		}
		f.YearFrom, f.YearTo = year, year
	}
	if f.YearFrom != nil && f.YearTo != nil && *f.YearFrom > *f.YearTo {
		return f, domain.Invalid("yearFrom", "must not be after yearTo")
	}
	f.KelurahanCodes = r.list("kelurahanCodes")
	f.KecamatanCodes = r.list("kecamatanCodes")
	if f.ForumID, err = r.str("forumId"); err != nil {
		return f, err
	}
	return f, nil
}

func projectFeature(p domain.Project) *geojson.Feature {
	f := geojson.NewFeature(p.Geometry)
	f.ID = p.ID
	f.Properties = geojson.Properties{
		"id":            p.ID,
		"title":         p.Title,
		"kind":          string(p.Kind),
		"kindLabelId":   p.Kind.LabelID(),
		"status":        string(p.Status),
		"statusLabelId": p.Status.LabelID(),
		"year":          p.Year,
		"budgetRupiah":  p.BudgetRupiah,
		"beneficiaries": p.Beneficiaries,
		"forumId":       nullString(p.ForumID),
		"kelurahanCode": p.KelurahanCode,
		"kecamatanCode": domain.KecamatanCodeOf(p.KelurahanCode),
		"startDate":     nullDate(p.StartDate),
		"finishDate":    nullDate(p.FinishDate),
		"description":   p.Description,
	}
	return f
}

// world stands for "anywhere": the store's bbox filter is also how
// activities without a recorded location are left out of a map layer.
var world = orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}

func activityLayer() *Layer {
	l := &Layer{
		Name:          "activities",
		Title:         "Kegiatan nonfisik",
		Description:   "Dialog, pelatihan dan acara forum yang lokasinya tercatat.",
		GeometryTypes: []string{"Point"},
		IDProperty:    "id",
		Fields: []Field{
			{Name: "id", Type: String, Description: "Activity id, e.g. act-001"},
			{Name: "title", Type: String, Description: "Title"},
			{Name: "kind", Type: String, Description: "Activity kind, e.g. DIALOGUE"},
			{Name: "kindLabelId", Type: String, Description: "Indonesian label of the kind"},
			{Name: "date", Type: String, Format: "date", Description: "Date"},
			{Name: "participants", Type: Integer, Description: "Number of participants"},
			{Name: "forumId", Type: String, Description: "Forum that held it"},
			{Name: "kelurahanCode", Type: String, Description: "Kelurahan of the location"},
			{Name: "description", Type: String, Detail: true, Description: "Description"},
		},
		Params: []Param{
			{Name: "kinds", Aliases: []string{"kind"}, Type: String, List: true, Enum: enumStrings(domain.ActivityKinds), Description: "Activity kinds"},
			{Name: "forumId", Type: String, Description: "Activities of this forum"},
			{Name: "kelurahanCodes", Aliases: []string{"kelurahanCode"}, Type: String, List: true, Description: "Kelurahan codes"},
			{Name: "dateFrom", Type: String, Format: "date", Description: "First date (inclusive), YYYY-MM-DD"},
			{Name: "dateTo", Type: String, Format: "date", Description: "Last date (inclusive), YYYY-MM-DD"},
		},
		MinZoom: 8, MaxZoom: 18,
	}
	l.fetch = func(ctx context.Context, s store.Store, q Query) (Result, error) {
		f, err := activityFilter(values{l, q.Filter})
		if err != nil {
			return Result{}, err
		}
		f.BBox = q.BBox
		return activityFeatures(ctx, s, f, q)
	}
	l.get = func(ctx context.Context, s store.Store, id string) (*geojson.Feature, error) {
		a, err := s.Activity(ctx, id)
		if err != nil {
			return nil, err
		}
		if a.Location == nil {
			// Not part of this layer, as in Fetch.
			return nil, domain.NotFound("activity", id)
		}
		return activityFeature(a), nil
	}
	return l
}

func activityFeature(a domain.Activity) *geojson.Feature {
	var g orb.Geometry
	if a.Location != nil {
		g = *a.Location
	}
	f := geojson.NewFeature(g)
	f.ID = a.ID
	f.Properties = geojson.Properties{
		"id":            a.ID,
		"title":         a.Title,
		"kind":          string(a.Kind),
		"kindLabelId":   a.Kind.LabelID(),
		"date":          a.Date.Format(time.DateOnly),
		"participants":  a.Participants,
		"forumId":       a.ForumID,
		"kelurahanCode": a.KelurahanCode,
		"description":   a.Description,
	}
	return f
}

// pages reads the window of q (Limit 0: all) from a store capped at
// store.MaxPageSize per call, never asking it to count. fetch returns how
// many items it got and the id of the last. With keyset the first call
// starts after q.After and every later one after the last id read, so
// reading a whole layer costs each row once; without it they go on by
// offset. One item past the window is asked for, to tell whether more
// follow. total is -1 unless the list ran out, which shows its length.
func pages(q Query, keyset bool, fetch func(after string, p domain.Page) (got int, last string, err error)) (more bool, total int, err error) {
	offset, after, remaining := max(q.Offset, 0), q.After, q.Limit
	read := 0
	for {
		size := store.MaxPageSize
		if remaining > 0 {
			size = min(size, remaining+1)
		}
		got, last, err := fetch(after, domain.Page{Offset: offset, Limit: size, NoCount: true})
		if err != nil {
			return false, 0, err
		}
		if q.Limit > 0 && got > remaining {
			// The extra item is not returned; it says more follow.
			return true, -1, nil
		}
		read += got
		remaining -= got
		if got < size {
			if q.After != "" || (read == 0 && q.Offset > 0) {
				// The length from the key, not the list's; or an offset
				// past the end, which says only that the list is shorter.
				return false, -1, nil
			}
			return false, max(q.Offset, 0) + read, nil
		}
		if keyset {
			after, offset = last, 0
		} else {
			offset += got
		}
		if q.Limit > 0 && remaining == 0 {
			// Exactly full: one more item says whether more follow.
			got, _, err := fetch(after, domain.Page{Offset: offset, Limit: 1, NoCount: true})
			return got > 0, -1, err
		}
	}
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullDate(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format(time.DateOnly)
}
