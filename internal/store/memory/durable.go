package memory

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// DataFile is the name of the data file in a store's data directory.
const DataFile = "serasi.db"

// Buckets of the data file. Records are kept in their store.MarshalRecord
// JSON form under their id; audit entries under a big-endian sequence
// number, so the file reads back in the order they were written.
var (
	metaBucket       = []byte("meta")
	forumsBucket     = []byte("forums")
	projectsBucket   = []byte("projects")
	activitiesBucket = []byte("activities")
	tokensBucket     = []byte("tokens")
	auditBucket      = []byte("audit")
	changesBucket    = []byte("changes") // the change feed, under a big-endian sequence number
	allBuckets       = [][]byte{metaBucket, forumsBucket, projectsBucket, activitiesBucket, tokensBucket, auditBucket, changesBucket}

	seededKey = []byte("seeded") // set once the dataset's records are in the file
)

// Open returns a store whose writes survive restarts: they go to the bbolt
// file DataFile in dir (created if need be) and are fsynced before a write
// returns. On the first start the file is seeded with the forums, projects
// and activities of fsys; afterwards those come from the file, while the
// areas (never written) come from dir's BoundaryFile when boundaries were
// imported, else from fsys. The
// indexes are rebuilt from the file at every start.
//
// With dir "" it is New: everything stays in memory. Only one process may
// have a data directory open; another gets an error after a second.
func Open(fsys fs.FS, dir string) (*Store, error) {
	if dir == "" {
		return New(fsys)
	}
	ds, err := dataset.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("memory: %w", err)
	}
	bands, err := useImportedBoundaries(ds, dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("memory: data directory: %w", err)
	}
	db, err := bolt.Open(filepath.Join(dir, DataFile), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("memory: open %s: %w", filepath.Join(dir, DataFile), err)
	}
	s, err := load(db, ds)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.bands = bands
	return s, nil
}

func load(db *bolt.DB, ds *dataset.Dataset) (*Store, error) {
	if err := db.Update(func(tx *bolt.Tx) error { return seed(tx, ds) }); err != nil {
		return nil, fmt.Errorf("memory: seed: %w", err)
	}
	var forums []domain.Forum
	var projects []domain.Project
	var activities []domain.Activity
	tokens := map[string]tokenRecord{}
	err := db.View(func(tx *bolt.Tx) error {
		err := each(tx, forumsBucket, func(v []byte) error {
			f, err := store.UnmarshalForum(v)
			forums = append(forums, f)
			return err
		})
		if err != nil {
			return err
		}
		err = each(tx, projectsBucket, func(v []byte) error {
			p, err := store.UnmarshalProject(v)
			projects = append(projects, p)
			return err
		})
		if err != nil {
			return err
		}
		err = each(tx, activitiesBucket, func(v []byte) error {
			a, err := store.UnmarshalActivity(v)
			activities = append(activities, a)
			return err
		})
		if err != nil {
			return err
		}
		return each(tx, tokensBucket, func(v []byte) error {
			t, err := unmarshalToken(v)
			tokens[t.ID] = t
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("memory: load: %w", err)
	}
	d := newData(cloneSlice(ds.Kecamatans, cloneKecamatan), cloneSlice(ds.Kelurahans, cloneKelurahan),
		forums, projects, activities, tokens)
	d.setUpperLevels(cloneSlice(ds.Provinsis, cloneProvinsi), cloneSlice(ds.KabupatenKotas, cloneKabupatenKota))
	return withFlow(&Store{d: d, db: db, now: time.Now}), nil
}

// seed creates the buckets and, in a new file, writes the dataset's
// records at version 1.
func seed(tx *bolt.Tx, ds *dataset.Dataset) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	meta := tx.Bucket(metaBucket)
	if meta.Get(seededKey) != nil {
		return nil
	}
	putRecord := func(bucket []byte, id string, r any) error {
		v, err := store.MarshalRecord(r)
		if err != nil {
			return err
		}
		return tx.Bucket(bucket).Put([]byte(id), v)
	}
	for _, f := range ds.Forums {
		f.Version = max(f.Version, 1)
		if err := putRecord(forumsBucket, f.ID, f); err != nil {
			return err
		}
	}
	for _, p := range ds.Projects {
		p.Version = max(p.Version, 1)
		if err := putRecord(projectsBucket, p.ID, p); err != nil {
			return err
		}
	}
	for _, a := range ds.Activities {
		a.Version = max(a.Version, 1)
		if err := putRecord(activitiesBucket, a.ID, a); err != nil {
			return err
		}
	}
	return meta.Put(seededKey, []byte(time.Now().UTC().Format(time.RFC3339)))
}

func each(tx *bolt.Tx, bucket []byte, fn func(v []byte) error) error {
	b := tx.Bucket(bucket)
	if b == nil {
		return fmt.Errorf("bucket %s is missing", bucket)
	}
	return b.ForEach(func(k, v []byte) error {
		if err := fn(v); err != nil {
			return fmt.Errorf("%s %q: %w", bucket, k, err)
		}
		return nil
	})
}

// putAudit numbers entry and writes it in tx.
func putAudit(tx *bolt.Tx, entry *domain.AuditEntry) error {
	b := tx.Bucket(auditBucket)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	entry.ID = int64(seq)
	v, err := json.Marshal(auditJSON{ID: entry.ID, At: entry.At, TokenID: entry.TokenID, ActorName: entry.ActorName,
		Operation: string(entry.Operation), RecordType: string(entry.RecordType), RecordID: entry.RecordID,
		Before: entry.Before, After: entry.After})
	if err != nil {
		return err
	}
	return b.Put(binary.BigEndian.AppendUint64(nil, seq), v)
}

func unmarshalAudit(v []byte) (domain.AuditEntry, error) {
	var j auditJSON
	if err := json.Unmarshal(v, &j); err != nil {
		return domain.AuditEntry{}, err
	}
	return domain.AuditEntry{ID: j.ID, At: j.At.UTC(), TokenID: j.TokenID, ActorName: j.ActorName,
		Operation: domain.AuditOperation(j.Operation), RecordType: domain.RecordType(j.RecordType),
		RecordID: j.RecordID, Before: j.Before, After: j.After}, nil
}

// auditFromFile walks the file's audit trail newest first until fn says stop.
func (s *Store) auditFromFile(fn func(e *domain.AuditEntry) bool) error {
	return s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(auditBucket)
		if b == nil {
			return errors.New("audit bucket is missing")
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			e, err := unmarshalAudit(v)
			if err != nil {
				return fmt.Errorf("audit entry %x: %w", k, err)
			}
			if !fn(&e) {
				return nil
			}
		}
		return nil
	})
}
