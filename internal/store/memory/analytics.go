package memory

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/tidwall/rtree"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/geodesy"
	"github.com/serasi/serasi/internal/store"
)

// neighbourIndex finds a kelurahan's neighbours, the others within
// store.NeighbourToleranceMeters, on first asking, through the R-tree of
// their bounds, and keeps the answer: at national size measuring every
// pair at start-up would take minutes, while a question touches a few
// kelurahan. Kelurahan never change after loading, so one index serves
// every snapshot. A pair is always measured with the lower index first,
// so the relation is symmetric whichever side is asked first.
type neighbourIndex struct {
	ks    []domain.Kelurahan
	index *rtree.RTreeG[int32]
	known []atomic.Pointer[[]int32]
}

func newNeighbourIndex(ks []domain.Kelurahan, index *rtree.RTreeG[int32]) *neighbourIndex {
	return &neighbourIndex{ks: ks, index: index, known: make([]atomic.Pointer[[]int32], len(ks))}
}

// of returns the indexes of i's neighbours in ascending order. Two callers
// may compute the same answer at once; either result is the same.
func (n *neighbourIndex) of(i int) []int32 {
	if p := n.known[i].Load(); p != nil {
		return *p
	}
	out := []int32{}
	if k := n.ks[i]; k.Geometry != nil {
		b := k.Geometry.Bound()
		lo := geodesy.BoundAround(b.Min, store.NeighbourToleranceMeters)
		hi := geodesy.BoundAround(b.Max, store.NeighbourToleranceMeters)
		n.index.Search(lo.Min, hi.Max, func(_, _ [2]float64, j int32) bool {
			if int(j) == i || n.ks[j].Geometry == nil {
				return true
			}
			a, c := n.ks[min(i, int(j))], n.ks[max(i, int(j))]
			if geodesy.PolygonsWithin(a.Geometry, c.Geometry, store.NeighbourToleranceMeters) {
				out = append(out, j)
			}
			return true
		})
	}
	slices.Sort(out)
	n.known[i].Store(&out)
	return out
}

// neighbours returns every kelurahan's neighbours (benchmarks measure it).
func neighbours(ks []domain.Kelurahan, index *rtree.RTreeG[int32]) [][]int32 {
	n := newNeighbourIndex(ks, index)
	out := make([][]int32, len(ks))
	for i := range ks {
		out[i] = n.of(i)
	}
	return out
}

// KelurahanNeighbours returns the codes of each asked kelurahan's
// neighbours, ordered by code (kelurahans are sorted by code, so ascending
// indexes are ascending codes).
func (s *Store) KelurahanNeighbours(ctx context.Context, codes []string) ([][]string, error) {
	d := s.snapshot()
	out := make([][]string, len(codes))
	for n, c := range codes {
		out[n] = []string{}
		i, ok := d.kelByCode[c]
		if !ok {
			continue
		}
		for _, j := range d.neighbours.of(i) {
			out[n] = append(out[n], d.kelurahans[j].Code)
		}
	}
	return out, nil
}

// CoverageGaps returns the conflict-prone kelurahan without an ACTIVE
// forum, with the active forum whose secretariat is nearest to the
// centroid (Vincenty on WGS 84; ties by id, forums being ordered by id).
func (s *Store) CoverageGaps(ctx context.Context) ([]domain.CoverageGap, error) {
	d := s.snapshot()
	out := []domain.CoverageGap{}
	for i, k := range d.kelurahans {
		if !k.ConflictProne || d.servedByActive[k.Code] {
			continue
		}
		g := domain.CoverageGap{KelurahanCode: k.Code, ServedNeighbourCodes: []string{}}
		for _, f := range d.forums {
			if f.Status != domain.ForumActive {
				continue
			}
			if dist := geodesy.Distance(k.Centroid, f.Secretariat); g.NearestForumID == "" || dist < g.DistanceMeters {
				g.NearestForumID, g.DistanceMeters = f.ID, dist
			}
		}
		for _, j := range d.neighbours.of(i) {
			if c := d.kelurahans[j].Code; d.servedByActive[c] {
				g.ServedNeighbourCodes = append(g.ServedNeighbourCodes, c)
			}
		}
		out = append(out, g)
	}
	return out, nil
}

// KelurahanSummaries returns a summary of every kelurahan, ordered by code,
// over the projects matching f.
func (s *Store) KelurahanSummaries(ctx context.Context, f domain.ProjectFilter) ([]domain.KelurahanSummary, error) {
	if _, err := store.ValidateProjectFilter(f, domain.ProjectOrder{}); err != nil {
		return nil, err
	}
	d := s.snapshot()
	out := make([]domain.KelurahanSummary, len(d.kelurahans))
	type kindKey struct {
		i    int
		kind domain.ProjectKind
	}
	type yearKey struct{ i, year int }
	byKind := map[kindKey]*domain.SummaryTotal{}
	byYear := map[yearKey]*domain.SummaryTotal{}
	for i, k := range d.kelurahans {
		out[i] = domain.KelurahanSummary{KelurahanCode: k.Code, AreaSqM: k.AreaSqM,
			ByKind: []domain.SummaryTotal{}, ByYear: []domain.SummaryTotal{}}
	}
	for _, h := range d.matchProjects(f) {
		p := &d.projects[h.i]
		i, ok := d.kelByCode[p.KelurahanCode]
		if !ok {
			continue
		}
		sum := &out[i]
		sum.ProjectCount++
		sum.BudgetRupiah += p.BudgetRupiah
		sum.Beneficiaries += p.Beneficiaries
		kt := byKind[kindKey{i, p.Kind}]
		if kt == nil {
			kt = &domain.SummaryTotal{Kind: p.Kind}
			byKind[kindKey{i, p.Kind}] = kt
		}
		kt.Count++
		kt.BudgetRupiah += p.BudgetRupiah
		yt := byYear[yearKey{i, p.Year}]
		if yt == nil {
			yt = &domain.SummaryTotal{Year: p.Year}
			byYear[yearKey{i, p.Year}] = yt
		}
		yt.Count++
		yt.BudgetRupiah += p.BudgetRupiah
	}
	for k, t := range byKind {
		out[k.i].ByKind = append(out[k.i].ByKind, *t)
	}
	for k, t := range byYear {
		out[k.i].ByYear = append(out[k.i].ByYear, *t)
	}
	for i := range out {
		slices.SortFunc(out[i].ByKind, func(a, b domain.SummaryTotal) int { return strings.Compare(string(a.Kind), string(b.Kind)) })
		slices.SortFunc(out[i].ByYear, func(a, b domain.SummaryTotal) int { return cmp.Compare(a.Year, b.Year) })
	}
	for _, a := range d.activities {
		i, ok := d.kelByCode[a.KelurahanCode]
		if !ok {
			continue
		}
		out[i].ActivityCount++
		if last := out[i].LastActivityDate; last == nil || a.Date.After(*last) {
			date := a.Date
			out[i].LastActivityDate = &date
		}
	}
	for _, f := range d.forums {
		if f.Status != domain.ForumActive {
			continue
		}
		for _, c := range f.KelurahanCodes {
			if i, ok := d.kelByCode[c]; ok {
				out[i].ActiveForumCount++
			}
		}
	}
	return out, nil
}
