package postgis

// WithoutChangeFeed makes s write no change_log rows and send no NOTIFY:
// the write path as it was before the feed, for BenchmarkWriteFeed only
// (nothing outside the tests can turn the feed off).
func WithoutChangeFeed(s *Store) { s.noFeed = true }
