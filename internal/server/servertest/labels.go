package servertest

import (
	"slices"
	"testing"
)

func testEnumLabels(t *testing.T, h *harness) {
	type label struct{ Value, LabelID string }
	var out struct {
		EnumLabels struct {
			ProjectKinds, ProjectStatuses, ForumStatuses, ActivityKinds []label
		}
		Kinds, PStatuses, FStatuses, AKinds struct {
			EnumValues []struct{ Name string }
		}
	}
	h.query(t, `{
		enumLabels { projectKinds { value labelId } projectStatuses { value labelId } forumStatuses { value labelId } activityKinds { value labelId } }
		kinds: __type(name: "ProjectKind") { enumValues { name } }
		pStatuses: __type(name: "ProjectStatus") { enumValues { name } }
		fStatuses: __type(name: "ForumStatus") { enumValues { name } }
		aKinds: __type(name: "ActivityKind") { enumValues { name } } }`, nil, &out)
	check := func(name string, labels []label, values []struct{ Name string }) {
		var got, want []string
		for _, l := range labels {
			got = append(got, l.Value)
			if l.LabelID == "" || l.LabelID == l.Value {
				t.Errorf("%s %s has label %q", name, l.Value, l.LabelID)
			}
		}
		for _, v := range values {
			want = append(want, v.Name)
		}
		if !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("%s labels for %v, schema has %v", name, got, want)
		}
	}
	l := out.EnumLabels
	check("ProjectKind", l.ProjectKinds, out.Kinds.EnumValues)
	check("ProjectStatus", l.ProjectStatuses, out.PStatuses.EnumValues)
	check("ForumStatus", l.ForumStatuses, out.FStatuses.EnumValues)
	check("ActivityKind", l.ActivityKinds, out.AKinds.EnumValues)
	if !slices.Contains(l.ProjectKinds, label{"VILLAGE_ROAD", "Jalan lingkungan"}) || !slices.Contains(l.ForumStatuses, label{"ACTIVE", "Aktif"}) {
		t.Errorf("labels %+v lack the Dinas Sosial wording", l)
	}

	// The labels on records are the same as in enumLabels.
	var recs struct {
		Projects struct {
			Edges []struct {
				Node struct{ Kind, KindLabelID, Status, StatusLabelID string }
			}
		}
		Forums []struct{ Status, StatusLabelID string }
	}
	h.query(t, `{ projects(first: 500) { edges { node { kind kindLabelId status statusLabelId } } } forums { status statusLabelId } }`, nil, &recs)
	for _, e := range recs.Projects.Edges {
		n := e.Node
		if !slices.Contains(l.ProjectKinds, label{n.Kind, n.KindLabelID}) || !slices.Contains(l.ProjectStatuses, label{n.Status, n.StatusLabelID}) {
			t.Errorf("project labels %+v differ from enumLabels", n)
		}
	}
	for _, f := range recs.Forums {
		if !slices.Contains(l.ForumStatuses, label{f.Status, f.StatusLabelID}) {
			t.Errorf("forum labels %+v differ from enumLabels", f)
		}
	}
}
