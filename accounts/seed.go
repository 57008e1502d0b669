package accounts

// DemoOptions shape a demo database.
type DemoOptions struct {
	Practices int   // how many practices (default 40)
	Seed      int64 // the same seed makes the same database
	Clock     Clock // nil: the wall clock
	// Progress, if set, is told how many practices are done.
	Progress func(done, total int)
}

// CreateDemo builds a fresh demo database at path (which must not exist yet)
// through the Service, so its audit trail is real, and returns the open Service.
func CreateDemo(path string, opts DemoOptions) (*Service, error) {
	panic("todo")
}
