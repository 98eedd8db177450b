package tiles

import (
	"compress/gzip"
	"sync"
)

// GzipWriters returns a pool of writers at level, for the level benchmark.
func GzipWriters(level int) *sync.Pool {
	return &sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(nil, level)
		return zw
	}}
}

// CompressLevel gzips raw at the pool's level, as compress does.
func CompressLevel(raw []byte, pool *sync.Pool) ([]byte, error) { return compressLevel(raw, pool) }
