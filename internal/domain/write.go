package domain

import (
	"encoding/json"
	"time"

	"github.com/paulmach/orb"
)

// Role is what an API token may do. Each role includes the ones below it:
// admin ⊃ editor ⊃ viewer.
type Role string

const (
	RoleViewer Role = "VIEWER" // read only
	RoleEditor Role = "EDITOR" // also create, update, archive and delete records
	RoleAdmin  Role = "ADMIN"  // also manage tokens and read the audit log
)

var roleRank = map[Role]int{RoleViewer: 1, RoleEditor: 2, RoleAdmin: 3}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return roleRank[r] > 0 }

// Allows reports whether r includes need. An unknown role allows nothing.
func (r Role) Allows(need Role) bool { return r.Valid() && roleRank[r] >= roleRank[need] }

// Actor is who makes a change: the token the request was authenticated
// with (store.Writer.AuthenticateToken returns it), or a named system actor
// such as the command line with no TokenID. The audit trail records
// TokenID and Name.
type Actor struct {
	TokenID string // "" for a system actor
	Name    string
	Role    Role
}

// ForumInput is the content of a forum to create or to replace (an update
// replaces every field; see store.Writer). Field names in errors are the
// json-style names given in the comments, relative to the input object.
type ForumInput struct {
	// ID is used by create only: "" lets the store choose one; a given id
	// must be lower-case letters, digits and '-' (at most 64) and new.
	ID             string      // "id"
	Name           string      // "name": 1–200 characters
	KelurahanCodes []string    // "kelurahanCodes": ≥ 1 known codes, no repeats; the first holds the secretariat
	YearFormed     int         // "yearFormed": 2015 .. next year
	Status         ForumStatus // "status"
	MemberCount    int         // "memberCount": ≥ 0
	Secretariat    orb.Point   // "secretariat": inside the first kelurahan
	Description    string      // "description": at most 5,000 characters
}

// ProjectInput is the content of a project to create or to replace.
type ProjectInput struct {
	ID    string      // "id": create only, as ForumInput.ID
	Title string      // "title": 1–200 characters
	Kind  ProjectKind // "kind"
	// Geometry ("geometry") must be valid and of the type of the kind
	// (dataset.GeometryTypeOf), its first position inside a kelurahan the
	// store holds and the whole inside the bounding box of them all.
	Geometry orb.Geometry
	// KelurahanCode ("kelurahanCode") may be "": the store assigns the
	// kelurahan at the first position of the geometry (the KelurahanAt
	// rule). A given code that differs from it is refused.
	KelurahanCode string
	ForumID       string        // "forumId": "" or an existing forum formed no later than Year
	Year          int           // "year": 2015 .. next year
	BudgetRupiah  int64         // "budgetRupiah": 0 .. store.MaxBudgetRupiah
	Status        ProjectStatus // "status"
	StartDate     *time.Time    // "startDate": a calendar date (00:00 UTC), 2015 .. end of next year
	FinishDate    *time.Time    // "finishDate": as StartDate, needs it, not before it
	Beneficiaries int           // "beneficiaries": ≥ 0
	Description   string        // "description": at most 5,000 characters
}

// ActivityInput is the content of an activity to create or to replace.
type ActivityInput struct {
	ID      string       // "id": create only, as ForumInput.ID
	Title   string       // "title": 1–200 characters
	ForumID string       // "forumId": an existing forum formed no later than the year of Date
	Kind    ActivityKind // "kind"
	Date    time.Time    // "date": a calendar date (00:00 UTC), 2015 .. end of next year
	// Participants ("participants") is ≥ 0.
	Participants int
	Location     *orb.Point // "location": nil, or a point inside a kelurahan the store holds
	// KelurahanCode ("kelurahanCode") may be "": it is the kelurahan at
	// Location, or the forum's first kelurahan when there is no location. A
	// given code that differs is refused.
	KelurahanCode string
	Description   string // "description": at most 5,000 characters
}

// Token is an API token as listed; the secret is never kept, only its
// SHA-256 hash.
type Token struct {
	ID        string
	Name      string
	Role      Role
	CreatedAt time.Time
	CreatedBy string     // the name of the actor who created it
	RevokedAt *time.Time // nil while the token is valid
}

// RecordType names what an audit entry is about.
type RecordType string

const (
	RecordForum    RecordType = "FORUM"
	RecordProject  RecordType = "PROJECT"
	RecordActivity RecordType = "ACTIVITY"
	RecordToken    RecordType = "TOKEN"
	// RecordBatch is an import: one audit entry for a whole batch of
	// records (store.Flow.ApplyBatch); its RecordID is the batch's SHA256.
	RecordBatch RecordType = "BATCH"
)

// Valid reports whether t is a known record type.
func (t RecordType) Valid() bool {
	switch t {
	case RecordForum, RecordProject, RecordActivity, RecordToken, RecordBatch:
		return true
	}
	return false
}

// AuditOperation is what a mutation did.
type AuditOperation string

const (
	OpCreate  AuditOperation = "CREATE"
	OpUpdate  AuditOperation = "UPDATE"
	OpArchive AuditOperation = "ARCHIVE" // a forum set INACTIVE
	OpDelete  AuditOperation = "DELETE"
	OpRevoke  AuditOperation = "REVOKE" // a token revoked
	OpImport  AuditOperation = "IMPORT" // a batch of records upserted at once (store.Flow.ApplyBatch)
)

// AuditEntry records one successful mutation. It is written in the same
// transaction as the change, so there is an entry exactly when the change
// happened.
type AuditEntry struct {
	ID         int64     // increases with every entry of a store
	At         time.Time // UTC, microsecond precision
	TokenID    string    // "" for a system actor
	ActorName  string
	Operation  AuditOperation
	RecordType RecordType
	RecordID   string
	// Before and After are the record as JSON (store.MarshalRecord) before
	// and after the change; nil for none (Before of a create, After of a
	// delete). Tokens appear without any secret.
	Before json.RawMessage
	After  json.RawMessage
}

// AuditFilter selects audit entries; zero fields do not filter. Entries
// come newest first.
type AuditFilter struct {
	RecordType RecordType
	RecordID   string
	TokenID    string
	From       *time.Time // At ≥ From
	To         *time.Time // At < To
}

// AuditPage is one page of audit entries with the total number that matched.
type AuditPage struct {
	Items      []AuditEntry
	TotalCount int
}
