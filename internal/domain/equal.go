package domain

import (
	"slices"
	"time"

	"github.com/paulmach/orb"
)

// SameContent reports whether two forums hold the same data, whatever their
// versions: an import that brings a record unchanged leaves it alone.
// Records compare as the store keeps them (normalised by its checks).
func (f Forum) SameContent(g Forum) bool {
	return f.ID == g.ID && f.Name == g.Name && slices.Equal(f.KelurahanCodes, g.KelurahanCodes) &&
		f.YearFormed == g.YearFormed && f.Status == g.Status && f.MemberCount == g.MemberCount &&
		f.Secretariat == g.Secretariat && f.Description == g.Description
}

// SameContent reports whether two projects hold the same data, whatever
// their versions.
func (p Project) SameContent(q Project) bool {
	return p.ID == q.ID && p.Title == q.Title && p.Kind == q.Kind && sameGeometry(p.Geometry, q.Geometry) &&
		p.KelurahanCode == q.KelurahanCode && p.ForumID == q.ForumID && p.Year == q.Year &&
		p.BudgetRupiah == q.BudgetRupiah && p.Status == q.Status && sameDate(p.StartDate, q.StartDate) &&
		sameDate(p.FinishDate, q.FinishDate) && p.Beneficiaries == q.Beneficiaries && p.Description == q.Description
}

// SameContent reports whether two activities hold the same data, whatever
// their versions.
func (a Activity) SameContent(b Activity) bool {
	return a.ID == b.ID && a.Title == b.Title && a.ForumID == b.ForumID && a.Kind == b.Kind &&
		a.Date.Equal(b.Date) && a.Participants == b.Participants &&
		((a.Location == nil) == (b.Location == nil) && (a.Location == nil || *a.Location == *b.Location)) &&
		a.KelurahanCode == b.KelurahanCode && a.Description == b.Description
}

func sameGeometry(a, b orb.Geometry) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return orb.Equal(a, b)
}

func sameDate(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}
