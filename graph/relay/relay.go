// Package relay holds what the GraphQL layer needs of the Relay
// specification: global object ids and opaque connection cursors.
package relay

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/serasi/serasi/internal/domain"
)

// Node is the Go side of the GraphQL Node interface. It is empty because
// the objects that implement Node are the domain types (domain.Kelurahan,
// domain.Project, ...), which know nothing of GraphQL; the id field is
// resolved by each type's resolver with GlobalID.
type Node interface{}

// Type names used in global ids; they are the GraphQL type names.
const (
	TypeProvinsi      = "Provinsi"
	TypeKabupatenKota = "KabupatenKota"
	TypeKecamatan     = "Kecamatan"
	TypeKelurahan     = "Kelurahan"
	TypeForum         = "Forum"
	TypeProject       = "Project"
	TypeActivity      = "Activity"
)

// GlobalID returns the global id of the object of the given type and local
// id: base64("Type:localId").
func GlobalID(typ, localID string) string {
	return base64.StdEncoding.EncodeToString([]byte(typ + ":" + localID))
}

// ParseGlobalID splits a global id into its type and local id. EINVALID
// (field "id") when id is not a global id; the type is not checked here.
func ParseGlobalID(id string) (typ, localID string, err error) {
	b, err := base64.StdEncoding.DecodeString(id)
	if err != nil {
		return "", "", domain.Invalid("id", "%q is not a global id", id)
	}
	typ, localID, ok := strings.Cut(string(b), ":")
	if !ok || typ == "" || localID == "" {
		return "", "", domain.Invalid("id", "%q is not a global id", id)
	}
	return typ, localID, nil
}

// The cursor of the item at offset n is base64("cursor:n"): opaque to
// clients, and cheap to map to a domain.Page.
const cursorPrefix = "cursor:"

// Cursor returns the cursor of the item at the given offset.
func Cursor(offset int) string {
	return base64.StdEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(offset)))
}

// DefaultFirst is the page size when a query leaves first out; the schema
// states it as the default value of first.
const DefaultFirst = 50

// Page maps Relay's first/after to an offset window: after is the cursor
// of the last item already seen, so the page starts right behind it.
// EINVALID (field "after") for a cursor this package did not make; the
// limit itself is checked by the store (store.ValidatePage).
func Page(first *int, after *string) (domain.Page, error) {
	p := domain.Page{Limit: DefaultFirst}
	if first != nil {
		p.Limit = *first
	}
	if after == nil {
		return p, nil
	}
	b, err := base64.StdEncoding.DecodeString(*after)
	rest, ok := strings.CutPrefix(string(b), cursorPrefix)
	n, convErr := strconv.Atoi(rest)
	if err != nil || !ok || convErr != nil || n < 0 || n == int(^uint(0)>>1) {
		return p, domain.Invalid("after", "%q is not a cursor of this connection", *after)
	}
	p.Offset = n + 1
	return p, nil
}

// PageInfo is the Relay page info of a page of n items at offset, out of
// total matching items.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}

// Info computes the page info for n items that start at offset, of total.
func Info(offset, n, total int) PageInfo {
	pi := PageInfo{
		HasNextPage:     offset+n < total,
		HasPreviousPage: offset > 0,
	}
	if n > 0 {
		start, end := Cursor(offset), Cursor(offset+n-1)
		pi.StartCursor, pi.EndCursor = &start, &end
	}
	return pi
}

// LocalID returns the record's own id for id, which may be either that
// own id ("prj-001") or the global id of a typ object (what the record's
// id field returns). Anything else is returned unchanged, so an unknown id
// stays unknown rather than becoming an error.
func LocalID(typ, id string) string {
	t, local, err := ParseGlobalID(id)
	if err != nil || t != typ {
		return id
	}
	return local
}
