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
// few and are rebuilt whole; projects may number 100,000 and are written
// through a transaction (tx.go) into copy-on-write trees (projects.go).

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

// withToken returns d with t added or replaced.
func (d *data) withToken(t tokenRecord) *data {
	nd := d.shallow()
	nd.tokens = maps.Clone(d.tokens)
	nd.tokens[t.ID] = t
	return nd
}
