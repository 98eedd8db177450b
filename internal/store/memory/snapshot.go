package memory

import (
	"maps"
	"slices"
	"strings"

	"github.com/serasi/serasi/internal/domain"
)

// Copy-on-write changes of a snapshot. Each returns a new *data that shares
// everything the change does not touch with d; d itself is never modified,
// since readers may be answering from it. Forums, activities and tokens are
// few and are rebuilt whole; projects may number 100,000, so their R-tree
// is copied lazily (rtree.Copy is copy-on-write) and changed in place of
// one entry.

func (d *data) shallow() *data {
	nd := *d
	return &nd
}

// setForums installs forums (sorted here) and rebuilds what depends on them.
func (d *data) setForums(forums []domain.Forum) {
	slices.SortFunc(forums, func(a, b domain.Forum) int { return strings.Compare(a.ID, b.ID) })
	d.forums = forums
	d.forumByID = indexBy(forums, func(f domain.Forum) string { return f.ID })
	d.servedByActive = map[string]bool{}
	for _, f := range forums {
		if f.Status != domain.ForumActive {
			continue
		}
		for _, c := range f.KelurahanCodes {
			d.servedByActive[c] = true
		}
	}
}

// setActivities installs activities (sorted here) and their index.
func (d *data) setActivities(activities []domain.Activity) {
	slices.SortFunc(activities, compareActivities)
	d.activities = activities
	d.actByID = indexBy(activities, func(a domain.Activity) string { return a.ID })
}

// withForum returns d with f added or, when its id exists, replaced.
func (d *data) withForum(f domain.Forum) *data {
	nd := d.shallow()
	forums := slices.Clone(d.forums)
	if i, ok := d.forumByID[f.ID]; ok {
		forums[i] = f
	} else {
		forums = append(forums, f)
	}
	nd.setForums(forums)
	return nd
}

// withActivity returns d with a added or, when its id exists, replaced.
func (d *data) withActivity(a domain.Activity) *data {
	nd := d.shallow()
	activities := slices.Clone(d.activities)
	if i, ok := d.actByID[a.ID]; ok {
		activities[i] = a
	} else {
		activities = append(activities, a)
	}
	nd.setActivities(activities)
	return nd
}

// withoutActivity returns d without the activity id (which exists).
func (d *data) withoutActivity(id string) *data {
	nd := d.shallow()
	i := d.actByID[id]
	nd.setActivities(slices.Delete(slices.Clone(d.activities), i, i+1))
	return nd
}

// withProject returns d with p added or, when its id exists, replaced.
func (d *data) withProject(p domain.Project) *data {
	nd := d.shallow()
	tree := d.projIndex.Copy()
	if i, ok := d.projByID[p.ID]; ok {
		nd.projects = slices.Clone(d.projects)
		old := d.projects[i].Geometry.Bound()
		tree.Delete(old.Min, old.Max, int32(i))
		nd.projects[i] = p
		b := p.Geometry.Bound()
		tree.Insert(b.Min, b.Max, int32(i))
	} else {
		i := len(d.projects)
		// A full slice: append copies it rather than writing into an
		// array an older snapshot may share.
		nd.projects = append(d.projects[:i:i], p)
		nd.projByID = maps.Clone(d.projByID)
		nd.projByID[p.ID] = i
		b := p.Geometry.Bound()
		tree.Insert(b.Min, b.Max, int32(i))
	}
	nd.projIndex = *tree
	return nd
}

// withoutProject returns d without the project id (which exists). The last
// project moves into its slot, so only two index entries change.
func (d *data) withoutProject(id string) *data {
	nd := d.shallow()
	tree := d.projIndex.Copy()
	i, last := d.projByID[id], len(d.projects)-1
	b := d.projects[i].Geometry.Bound()
	tree.Delete(b.Min, b.Max, int32(i))
	nd.projects = slices.Clone(d.projects[:last])
	nd.projByID = maps.Clone(d.projByID)
	delete(nd.projByID, id)
	if i != last {
		moved := d.projects[last]
		mb := moved.Geometry.Bound()
		tree.Delete(mb.Min, mb.Max, int32(last))
		tree.Insert(mb.Min, mb.Max, int32(i))
		nd.projects[i] = moved
		nd.projByID[moved.ID] = i
	}
	nd.projIndex = *tree
	return nd
}

// withToken returns d with t added or replaced.
func (d *data) withToken(t tokenRecord) *data {
	nd := d.shallow()
	nd.tokens = maps.Clone(d.tokens)
	nd.tokens[t.ID] = t
	return nd
}
