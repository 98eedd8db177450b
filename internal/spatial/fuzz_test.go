package spatial

import (
	"errors"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

// FuzzParseGeoJSON checks that no input makes ParseGeoJSON panic, that
// every refusal is a client error, and that whatever it accepts can be
// validated again, oriented, rendered and used in the predicates. Seeds
// are in testdata/fuzz/FuzzParseGeoJSON.
func FuzzParseGeoJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ParseGeoJSON("g", data)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.EINVALID || de.Field != "g" || de.Message == "" {
				t.Fatalf("error %v is not an EINVALID *domain.Error for field g", err)
			}
			return
		}
		if err := Validate("g", g); err != nil {
			t.Fatalf("accepted geometry fails Validate: %v", err)
		}
		if err := Validate("g", Orient(g)); err != nil {
			t.Fatalf("oriented geometry fails Validate: %v", err)
		}
		r := Render(g, 100, 6)
		if countVertices(r) == 0 {
			t.Fatalf("Render emptied %v", g)
		}
		p := orb.Point{122.6, -5.5}
		Covers(g, p)
		Intersects(g, p)
		Intersects(g, g)
		ContainsPoint(g, p)
	})
}
