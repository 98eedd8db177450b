package servertest

import (
	"fmt"
	"slices"
	"testing"
)

// maxLateBatches is how many extra store calls a relation may cost when
// keys miss their loader's batching window under load.
const maxLateBatches = 2

// testNoNPlusOne proves that relations of list items are batched: each
// query below costs a fixed number of store calls, whatever the length of
// its lists.
func testNoNPlusOne(t *testing.T, h *harness) {
	tests := []struct {
		name  string
		query string
		want  map[string]int
	}{
		{"Project.kelurahan and Project.forum",
			`{ projects(first: 500) { edges { node { kelurahan { name kecamatan { name } } forum { name } } } } }`,
			map[string]int{"Projects": 1, "KelurahansByCodes": 1, "ForumsByIDs": 1, "Kecamatans": 1}},
		{"Forum.kelurahan", `{ forums { kelurahan { name } } }`,
			map[string]int{"Forums": 1, "KelurahansByCodes": 1}},
		{"Activity.forum and Activity.kelurahan", `{ activities(first: 500) { edges { node { forum { name } kelurahan { name } } } } }`,
			map[string]int{"Activities": 1, "ForumsByIDs": 1, "KelurahansByCodes": 1}},
		{"Kelurahan.kecamatan and Kelurahan.forums", `{ kelurahans { kecamatan { name } forums { name } } }`,
			map[string]int{"Kelurahans": 1, "Kecamatans": 1, "Forums": 1}},
		{"Kecamatan.kelurahan", `{ kecamatans { kelurahan { name } } }`,
			map[string]int{"Kecamatans": 1, "Kelurahans": 1}},
		{"the hierarchy down and up", `{ kabupatenKota(code: "74.72") { provinsi { kabupatenKotas { name } }
			kecamatans { kabupatenKota { name } kelurahan { kecamatan { name } } } } }`,
			map[string]int{"KabupatenKota": 1, "Provinsis": 1, "KabupatenKotas": 2, "Kecamatans": 2, "Kelurahans": 1}},
		{"nearest with relations", `{ nearestProjects(lon: 122.6077, lat: -5.456, limit: 50) { project { kelurahan { name } forum { name } } } }`,
			map[string]int{"NearestProjects": 1, "KelurahansByCodes": 1, "ForumsByIDs": 1}},
		{"stats with relations", `{ projectStats(groupBy: [KELURAHAN, FORUM]) { kelurahan { name } forum { name } } }`,
			map[string]int{"ProjectStats": 1, "KelurahansByCodes": 1, "ForumsByIDs": 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Loaders batch within a time window, so on a loaded machine a
			// slow key can miss its batch and cost one more call; N+1 would
			// cost one call per list item (dozens here) on every attempt.
			// A query over the bound is asked again, up to attempts times,
			// so that a scheduler hiccup is not reported as N+1.
			const attempts = 3
			var problems []string
			for range attempts {
				h.counter.Reset()
				var out map[string]any
				h.query(t, tc.query, nil, &out)
				if problems = callProblems(h.counter.Calls(), tc.want); len(problems) == 0 {
					return
				}
			}
			for _, p := range problems {
				t.Errorf("%s (the same in %d attempts)", p, attempts)
			}
		})
	}
}

// callProblems says how the store calls got differ from want, allowing
// maxLateBatches extra calls of each method.
func callProblems(got, want map[string]int) []string {
	var out []string
	for m, n := range want {
		if got[m] < n || got[m] > n+maxLateBatches {
			out = append(out, fmt.Sprintf("%s called %d times, want %d (at most %d more under load; all calls: %v)",
				m, got[m], n, maxLateBatches, got))
		}
	}
	for m := range got {
		if _, ok := want[m]; !ok {
			out = append(out, fmt.Sprintf("unexpected store calls %s: %v", m, got))
		}
	}
	slices.Sort(out)
	return out
}
