//go:build unix

package memory

import (
	"fmt"
	"os"
	"syscall"
)

// readMapped calls use with the contents of the file at path, mapped into
// memory rather than read into the heap: the national boundary file is
// 156 MB, and a heap copy would stay in the process's resident memory as
// garbage long after decoding. use must not keep the slice.
func readMapped(path string, use func([]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Size() == 0 {
		return use(nil)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return fmt.Errorf("mmap %s: %w", path, err)
	}
	defer syscall.Munmap(data)
	return use(data)
}
