package main

import "testing"

func TestGCPercent(t *testing.T) {
	tests := []struct {
		name string
		live uint64
		want int
	}{
		{"unknown", 0, maxGCPercent},
		{"Kota Baubau", 7 << 20, maxGCPercent},
		{"100,000 projects", 96 << 20, maxGCPercent},
		{"just below the cap", 97 << 20, 395},
		{"national boundaries", 570 << 20, 67},
		{"a very large heap", 4 << 30, minGCPercent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := gcPercent(tc.live)
			if got != tc.want {
				t.Fatalf("gcPercent(%d MB) = %d, want %d", tc.live>>20, got, tc.want)
			}
			if tc.live > 0 && got < maxGCPercent && got > minGCPercent {
				if garbage := tc.live * uint64(got) / 100; garbage > gcHeadroom {
					t.Errorf("%d%% of %d MB is %d MB of garbage, more than the %d MB allowed", got, tc.live>>20, garbage>>20, gcHeadroom>>20)
				}
			}
		})
	}
}
