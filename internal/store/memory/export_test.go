package memory

// SetNoSync turns the data file's fsync off (bbolt NoSync), so that a
// benchmark measures a write apart from the disk.
func SetNoSync(s *Store, on bool) { s.db.NoSync = on }

// WithoutChangeFeed makes s write no changes, for BenchmarkWriteFeed only.
func WithoutChangeFeed(s *Store) { s.feed.off = true }
