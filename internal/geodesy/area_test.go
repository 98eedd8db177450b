package geodesy

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestAreaCells(t *testing.T) {
	cell := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	reversed := orb.Ring{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}
	hole := orb.Ring{{0.25, 0.25}, {0.25, 0.75}, {0.75, 0.75}, {0.75, 0.25}, {0.25, 0.25}}
	baubau := orb.Ring{{122.6, -5.5}, {122.61, -5.5}, {122.61, -5.49}, {122.6, -5.49}, {122.6, -5.5}}
	cases := []struct {
		name string
		g    orb.Geometry
		want float64 // GeographicLib / PostGIS ST_Area(geography), m²
		tol  float64 // relative
	}{
		{"1x1 degree cell at the equator", orb.Polygon{cell}, 12308778361.4695, 1e-6},
		{"same cell clockwise", orb.Polygon{reversed}, 12308778361.4695, 1e-6},
		{"unclosed ring", orb.Polygon{cell[:4]}, 12308778361.4695, 1e-6},
		{"cell with a hole", orb.Polygon{cell, hole}, 12308778361.4695 - 3077164136.6546, 1e-6},
		{"multipolygon adds parts", orb.MultiPolygon{{cell}, {baubau}}, 12308778361.4695 + 1225401.0877, 1e-6},
		{"0.01 degree cell in Baubau", orb.Polygon{baubau}, 1225401.0877, 1e-6},
		{"point", orb.Point{1, 1}, 0, 0},
		{"line", orb.LineString(cell), 0, 0},
		{"empty polygon", orb.Polygon{}, 0, 0},
		{"nil", nil, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Area(tc.g)
			if math.Abs(got-tc.want) > tc.tol*tc.want {
				t.Errorf("Area = %.4f, want %.4f (relative error %.2g)", got, tc.want, (got-tc.want)/tc.want)
			}
		})
	}
}

func TestAuthalicRadius(t *testing.T) {
	// Rq of WGS 84 is 6,371,007.1809 m (Moritz, Geodetic Reference System 1980).
	if got := math.Sqrt(authalicR2); math.Abs(got-6371007.1809) > 1e-3 {
		t.Errorf("authalic radius = %.4f", got)
	}
}

func TestAreaKelurahan(t *testing.T) {
	kel := loadKelurahan(t)
	// PostGIS ST_Area(geometry::geography) of each kelurahan of
	// shared/data/baubau-kelurahan.geojson, m².
	want := map[string]float64{
		"74.72.01.1007": 3445819.777,  // Katobengke
		"74.72.01.1012": 7010733.234,  // Waborobo
		"74.72.01.1013": 6225073.209,  // Sulaa
		"74.72.01.1014": 5263706.864,  // Lipu
		"74.72.01.1016": 9657177.509,  // Labalawa
		"74.72.02.1001": 288357.704,   // Wale
		"74.72.02.1002": 237065.317,   // Tomba
		"74.72.02.1003": 498890.750,   // Bataraguru
		"74.72.02.1004": 673214.726,   // Wangkanapi
		"74.72.02.1005": 480172.408,   // Batulo
		"74.72.02.1007": 24902511.936, // Kadolo Katapi
		"74.72.02.1011": 5378348.425,  // Bukit Wolio Indah
		"74.72.03.1001": 34197473.685, // Kaisabu Baru
		"74.72.03.1002": 16461551.929, // Karya Baru
		"74.72.03.1003": 37084302.449, // Gonda Baru
		"74.72.03.1004": 21839185.271, // Bugi
		"74.72.04.1001": 9854400.550,  // Liabuku
		"74.72.04.1002": 22872781.106, // Ngkaring Karing
		"74.72.04.1003": 7785221.161,  // Kampeonaho
		"74.72.04.1008": 15335784.522, // Waliabuku
		"74.72.04.1010": 6326185.704,  // Tampuna
		"74.72.05.1001": 605465.936,   // Liwuto
		"74.72.05.1002": 721823.013,   // Sukanaeyo
		"74.72.05.1003": 2891453.266,  // Lakologou
		"74.72.05.1004": 9084450.278,  // Waruruma
		"74.72.05.1005": 3232983.144,  // Kadolomoko
		"74.72.05.1006": 894039.949,   // Kadolo
		"74.72.06.1007": 484107.994,   // Wajo
		"74.72.06.1008": 605335.495,   // Lamangga
		"74.72.06.1009": 490862.185,   // Melai
		"74.72.06.1010": 3865010.424,  // Baadia
		"74.72.06.1011": 596425.217,   // Tanganapada
		"74.72.07.1001": 3939980.982,  // Lowu-Lowu
		"74.72.07.1002": 7134889.357,  // Kalia-Lia
		"74.72.07.1003": 14414354.416, // Palabusa
		"74.72.07.1004": 1188032.158,  // Kolese
		"74.72.07.1005": 6278682.345,  // Kantalai
		"74.72.08.1001": 466394.893,   // Bonebone
		"74.72.08.1002": 388591.194,   // Tarafu
		"74.72.08.1003": 319172.262,   // Wameo
		"74.72.08.1004": 163783.141,   // Kaobula
		"74.72.08.1005": 254110.743,   // Lanto
		"74.72.08.1006": 302619.064,   // Nganganaumala
	}
	worst := 0.0
	for kode, w := range want {
		got := Area(kel[kode])
		rel := math.Abs(got-w) / w
		worst = math.Max(worst, rel)
		if rel > 1e-6 { // the promise is 1e-4; we do far better
			t.Errorf("%s: Area = %.3f, want %.3f (relative error %.2g)", kode, got, w, rel)
		}
	}
	t.Logf("worst relative error against PostGIS: %.2g", worst)
}
