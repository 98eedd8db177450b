package memory

import (
	"github.com/tidwall/btree"

	"github.com/serasi/serasi/internal/domain"
)

// projectTree holds a snapshot's projects ordered by id. A stored
// *domain.Project is never changed: a write stores a new one, so the
// pointer is the record's identity in the R-tree too, and a reader may keep
// it after the snapshot is replaced.
//
// Both trees are copy-on-write (Copy is O(1); a write then copies only the
// nodes on its path), so a write costs O(log n) whatever the number of
// projects, and older snapshots keep answering from the nodes they share.
type projectTree = btree.BTreeG[*domain.Project]

func newProjectTree() *projectTree {
	// No locks: a snapshot's tree is only read, and only the writer (under
	// Store.wmu) changes its own copy.
	return btree.NewBTreeGOptions(func(a, b *domain.Project) bool { return a.ID < b.ID },
		btree.Options{NoLocks: true})
}

// project returns the stored project id (not a copy: callers clone what
// they hand out).
func (d *data) project(id string) (*domain.Project, bool) {
	return d.projects.Get(&domain.Project{ID: id})
}

// projectsFrom calls fn for the projects with an id ≥ from ("" for all),
// in id order, until fn returns false.
func (d *data) projectsFrom(from string, fn func(p *domain.Project) bool) {
	if from == "" {
		d.projects.Scan(fn)
		return
	}
	d.projects.Ascend(&domain.Project{ID: from}, fn)
}

// putStored stores p (already cloned, never changed afterwards) in d's own
// trees, replacing the project of its id; d must own both trees.
func (d *data) putStored(p *domain.Project) {
	if old, ok := d.projects.Set(p); ok && old.Geometry != nil {
		b := old.Geometry.Bound()
		d.projIndex.Delete(b.Min, b.Max, old)
	}
	if p.Geometry != nil {
		b := p.Geometry.Bound()
		d.projIndex.Insert(b.Min, b.Max, p)
	}
}

// deleteStored removes project id from d's own trees.
func (d *data) deleteStored(id string) {
	if old, ok := d.projects.Delete(&domain.Project{ID: id}); ok && old.Geometry != nil {
		b := old.Geometry.Bound()
		d.projIndex.Delete(b.Min, b.Max, old)
	}
}
