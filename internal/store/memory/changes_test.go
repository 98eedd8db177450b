package memory

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

func TestChangeEncoding(t *testing.T) {
	at := time.Date(2026, 12, 1, 15, 4, 5, 123456000, time.UTC)
	b := &orb.Bound{Min: orb.Point{122.5712345678901, -5.5}, Max: orb.Point{122.6, -5.4999999999999}}
	tests := []struct {
		name string
		c    domain.Change
	}{
		{"create", domain.Change{Seq: 7, At: at, RecordType: domain.RecordProject, RecordID: "prj-1", Operation: domain.OpCreate, Version: 1, NewBound: b}},
		{"update", domain.Change{Seq: 1 << 40, At: at, RecordType: domain.RecordForum, RecordID: "frm-x", Operation: domain.OpUpdate, Version: 300, OldBound: b, NewBound: &orb.Bound{}}},
		{"delete", domain.Change{Seq: 1, At: at, RecordType: domain.RecordActivity, RecordID: "", Operation: domain.OpDelete, Version: 2, OldBound: b}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := binary.BigEndian.AppendUint64(nil, uint64(tc.c.Seq))
			v := marshalChange(tc.c)
			got, err := unmarshalChange(k, v)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.c) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, tc.c)
			}
			if a, err := changeAt(v); err != nil || !a.Equal(at) {
				t.Errorf("changeAt = %v, %v; want %v", a, err, at)
			}
			// Every truncation and any trailing byte is refused, never a panic.
			for n := range len(v) {
				if _, err := unmarshalChange(k, v[:n]); !errors.Is(err, errChange) {
					t.Fatalf("%d of %d bytes: err %v, want errChange", n, len(v), err)
				}
			}
			if _, err := unmarshalChange(k, append(v, 0)); !errors.Is(err, errChange) {
				t.Errorf("a trailing byte: err %v, want errChange", err)
			}
		})
	}
}

// A data file written before changeFormat holds its changes as JSON; they
// still read, and prune by their time.
func TestChangeEncodingJSON(t *testing.T) {
	at := time.Date(2026, 11, 30, 1, 2, 3, 4000, time.UTC)
	want := domain.Change{Seq: 12, At: at, RecordType: domain.RecordProject, RecordID: "prj-9", Operation: domain.OpUpdate,
		Version: 4, OldBound: &orb.Bound{Min: orb.Point{1, 2}, Max: orb.Point{3, 4}}, NewBound: &orb.Bound{Min: orb.Point{5, 6}, Max: orb.Point{7, 8}}}
	v, err := json.Marshal(changeJSON{Seq: 12, At: at, RecordType: "PROJECT", RecordID: "prj-9", Operation: "UPDATE", Version: 4,
		OldBound: &[4]float64{1, 2, 3, 4}, NewBound: &[4]float64{5, 6, 7, 8}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := unmarshalChange(binary.BigEndian.AppendUint64(nil, 12), v)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if a, err := changeAt(v); err != nil || !a.Equal(at) {
		t.Errorf("changeAt = %v, %v; want %v", a, err, at)
	}
}
