package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestApply(t *testing.T) {
	src := []byte("a := 1\nif x < y {\n\treturn s\n}\n")
	tests := []struct {
		name    string
		m       mutant
		want    string
		wantErr string
	}{
		{"literal", mutant{Name: "m", Old: "x < y", New: "x > y"}, "a := 1\nif x > y {\n\treturn s\n}\n", ""},
		{"regexp with a group", mutant{Name: "m", Re: true, Old: `(if x < y \{\n)\treturn s`, New: "${1}\treturn s * 2"}, "a := 1\nif x < y {\n\treturn s * 2\n}\n", ""},
		{"no match", mutant{Name: "gone", File: "f.go", Old: "x <= y", New: "x"}, "", `mutant "gone": its pattern occurs 0 times in f.go`},
		{"two matches", mutant{Name: "twice", File: "f.go", Re: true, Old: `[xy]`, New: "z"}, "", "occurs 2 times"},
		{"bad regexp", mutant{Name: "bad", Re: true, Old: `(`, New: ""}, "", "missing closing )"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.m.apply(src)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestFailingTest(t *testing.T) {
	out := []byte("ok  \tgithub.com/serasi/serasi/internal/server\t3.1s\n" +
		"--- FAIL: TestConformance (0.30s)\n    --- FAIL: TestConformance/KelurahanAt (0.01s)\n" +
		"        --- FAIL: TestConformance/KelurahanAt/on_a_vertex (0.00s)\n            kelurahan.go:1: x\n" +
		"FAIL\nFAIL\tgithub.com/serasi/serasi/internal/store/memory\t5.0s\n" +
		"--- FAIL: TestConformance (0.30s)\n    --- FAIL: TestConformance/Projects/a_much_longer_subtest_name_elsewhere (0.01s)\n" +
		"FAIL\tgithub.com/serasi/serasi/internal/store/postgis\t9.0s\n")
	if got, want := failingTest(out), "internal/store/memory TestConformance/KelurahanAt/on_a_vertex"; got != want {
		t.Errorf("failingTest = %q, want %q", got, want)
	}
	if got, want := failedSuites(out), "internal/store/memory: TestConformance; internal/store/postgis: TestConformance"; got != want {
		t.Errorf("failedSuites = %q, want %q", got, want)
	}
}

// TestMutantsMatchTheTree: every planted bug still finds its line exactly
// once in the repository as it is, so a refactor that moves a rule fails
// here, in CI, instead of in the next person's mutation run.
func TestMutantsMatchTheTree(t *testing.T) {
	for _, m := range mutants {
		src, err := os.ReadFile(filepath.Join("..", "..", m.File))
		if err != nil {
			t.Errorf("mutant %q: %v", m.Name, err)
			continue
		}
		if _, err := m.apply(src); err != nil {
			t.Error(err)
		}
	}
}
