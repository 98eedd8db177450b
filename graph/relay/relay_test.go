package relay

import (
	"encoding/base64"
	"testing"

	"github.com/serasi/serasi/internal/domain"
)

func TestGlobalIDRoundTrip(t *testing.T) {
	for _, tc := range []struct{ typ, id string }{
		{TypeKelurahan, "74.72.02.1001"},
		{TypeForum, "fks-2015-wale"},
		{TypeProject, "prj:with:colons"},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			typ, id, err := ParseGlobalID(GlobalID(tc.typ, tc.id))
			if err != nil || typ != tc.typ || id != tc.id {
				t.Errorf("round trip gives %q %q %v", typ, id, err)
			}
		})
	}
}

func TestParseGlobalIDRejects(t *testing.T) {
	for _, id := range []string{"", "***", base64.StdEncoding.EncodeToString([]byte("NoColon")),
		base64.StdEncoding.EncodeToString([]byte(":x")), base64.StdEncoding.EncodeToString([]byte("Kelurahan:"))} {
		t.Run(id, func(t *testing.T) {
			_, _, err := ParseGlobalID(id)
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("ParseGlobalID(%q) error %v, want EINVALID", id, err)
			}
		})
	}
}

func TestPage(t *testing.T) {
	ptr := func(v int) *int { return &v }
	str := func(s string) *string { return &s }
	tests := []struct {
		name  string
		first *int
		after *string
		want  domain.Page
		bad   bool
	}{
		{"defaults", nil, nil, domain.Page{Offset: 0, Limit: DefaultFirst}, false},
		{"first", ptr(7), nil, domain.Page{Offset: 0, Limit: 7}, false},
		{"after offset 0", ptr(3), str(Cursor(0)), domain.Page{Offset: 1, Limit: 3}, false},
		{"after offset 41", nil, str(Cursor(41)), domain.Page{Offset: 42, Limit: DefaultFirst}, false},
		{"not base64", nil, str("%%%"), domain.Page{}, true},
		{"no prefix", nil, str(base64.StdEncoding.EncodeToString([]byte("12"))), domain.Page{}, true},
		{"negative", nil, str(base64.StdEncoding.EncodeToString([]byte("cursor:-3"))), domain.Page{}, true},
		{"not a number", nil, str(base64.StdEncoding.EncodeToString([]byte("cursor:x"))), domain.Page{}, true},
		{"max int", nil, str(base64.StdEncoding.EncodeToString([]byte("cursor:9223372036854775807"))), domain.Page{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Page(tc.first, tc.after)
			if tc.bad {
				if domain.ErrorCode(err) != domain.EINVALID {
					t.Errorf("error %v, want EINVALID", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("Page = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestInfo(t *testing.T) {
	tests := []struct {
		name                string
		offset, n, total    int
		next, prev, cursors bool
	}{
		{"first page", 0, 5, 12, true, false, true},
		{"middle", 5, 5, 12, true, true, true},
		{"last", 10, 2, 12, false, true, true},
		{"empty", 0, 0, 0, false, false, false},
		{"past the end", 20, 0, 12, false, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pi := Info(tc.offset, tc.n, tc.total)
			if pi.HasNextPage != tc.next || pi.HasPreviousPage != tc.prev || (pi.StartCursor != nil) != tc.cursors || (pi.EndCursor != nil) != tc.cursors {
				t.Fatalf("Info = %+v", pi)
			}
			if tc.cursors && (*pi.StartCursor != Cursor(tc.offset) || *pi.EndCursor != Cursor(tc.offset+tc.n-1)) {
				t.Errorf("cursors %s %s", *pi.StartCursor, *pi.EndCursor)
			}
		})
	}
}

func TestLocalID(t *testing.T) {
	tests := []struct {
		name, typ, id, want string
	}{
		{"own id", TypeProject, "prj-001", "prj-001"},
		{"global id", TypeProject, GlobalID(TypeProject, "prj-001"), "prj-001"},
		{"forum global id", TypeForum, GlobalID(TypeForum, "fks-2015-wale"), "fks-2015-wale"},
		{"another type's global id", TypeProject, GlobalID(TypeForum, "fks-2015-wale"), GlobalID(TypeForum, "fks-2015-wale")},
		{"empty", TypeActivity, "", ""},
		{"base64 without a type", TypeActivity, "YWJj", "YWJj"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := LocalID(tc.typ, tc.id); got != tc.want {
				t.Errorf("LocalID(%q, %q) = %q, want %q", tc.typ, tc.id, got, tc.want)
			}
		})
	}
}
