package common

// Simulator is the practices' simulated users (R40) as the console drives
// them: the command line hands one in (the console never imports the
// simulator), S starts and stops it, and the header says it runs.
type Simulator interface {
	Start()
	Stop() // waits for the action in flight
	Running() bool
	Rate() float64 // actions per second
	Violations() int
	Failure() string // why the last run ended by itself, "" if it did not
}
