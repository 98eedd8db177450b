package tiles

import (
	"bytes"
	"compress/gzip"
	"sync"
)

// GzipLevel is the compression level of gzipped tiles, chosen by
// BenchmarkGzipLevel (see README, "Vector tiles"): past it, each level
// costs much more CPU per tile for a few per cent fewer bytes, and a
// rendered small tile spent most of its CPU in gzip at the default level.
const GzipLevel = gzip.BestSpeed

// gzipWriters reuses writers: a new one allocates about 800 KB of
// compression state, more than most tiles.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, GzipLevel) // errors only for a bad level
	return zw
}}

// compress gzips raw at GzipLevel.
func compress(raw []byte) ([]byte, error) {
	return compressLevel(raw, &gzipWriters)
}

func compressLevel(raw []byte, pool *sync.Pool) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(raw)/2 + 64)
	zw := pool.Get().(*gzip.Writer)
	zw.Reset(&buf)
	defer pool.Put(zw)
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
