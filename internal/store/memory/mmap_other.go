//go:build !unix

package memory

import "os"

// readMapped calls use with the contents of the file at path (read into
// the heap where there is no mmap).
func readMapped(path string, use func([]byte) error) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return use(data)
}
