package boundaries_test

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/boundaries/boundariestest"
)

func roundTrip(t *testing.T, s *boundaries.Set) (*boundaries.Set, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := boundaries.Encode(&buf, s); err != nil {
		t.Fatal(err)
	}
	got, err := boundaries.Decode(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return got, buf.Bytes()
}

func sameRecords(t *testing.T, want, got *boundaries.Set) {
	t.Helper()
	if !reflect.DeepEqual(want.Provinsis, got.Provinsis) || !reflect.DeepEqual(want.KabupatenKotas, got.KabupatenKotas) ||
		!reflect.DeepEqual(want.Kecamatans, got.Kecamatans) || !reflect.DeepEqual(want.Kelurahans, got.Kelurahans) {
		t.Fatal("the decoded set differs from the encoded one")
	}
}

func TestFormatRoundTrip(t *testing.T) {
	want, err := boundaries.ReadFS(fixture, boundaries.Options{Generalise: func(g orb.Geometry) []orb.Geometry {
		return []orb.Geometry{g.Bound().ToPolygon(), g}
	}})
	if err != nil {
		t.Fatal(err)
	}
	got, data := roundTrip(t, want)
	sameRecords(t, want, got)
	if !reflect.DeepEqual(want.Generalised, got.Generalised) {
		t.Error("generalised geometries differ")
	}
	var again bytes.Buffer
	boundaries.Encode(&again, got)
	if !bytes.Equal(again.Bytes(), data) {
		t.Error("encoding the decoded set gives other bytes: the format is not stable")
	}

	for name, bad := range map[string][]byte{
		"empty":     nil,
		"not ours":  []byte(`{"type":"FeatureCollection"}`),
		"truncated": data[:len(data)/2],
		"damaged":   append(append([]byte{}, data[:40]...), append([]byte{data[40] ^ 0xff}, data[41:]...)...),
	} {
		if _, err := boundaries.Decode(bad); err == nil {
			t.Errorf("%s: decoded without an error", name)
		}
	}
}

// TestFormatNational round-trips the whole country and logs how long the
// decoding takes (the start-up figures come from the memory store's
// benchmark).
func TestFormatNational(t *testing.T) {
	want := boundariestest.National(t)
	var buf bytes.Buffer
	if err := boundaries.Encode(&buf, want); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	got, err := boundaries.Decode(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bytes, decoded in %v", buf.Len(), time.Since(start))
	sameRecords(t, want, got)
}
