//go:build !linux

package store

// keepMappedSmall does nothing where the mapped pages cannot be released.
func keepMappedSmall(string, func(func())) (stop func()) { return func() {} }

func mappedPath(path string) string { return path }

// dropMapped does nothing where the mapped pages cannot be released.
func dropMapped(string) {}

// fileResident is unknown here.
func fileResident() int64 { return 0 }
