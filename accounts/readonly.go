package accounts

// ReadOnlyOperator is an operator who sees everything and changes nothing
// (R35): the operators file's `read-only` keys, and `--read-only` locally.
func ReadOnlyOperator(name string) Actor {
	a := Operator(name)
	a.ReadOnly = true
	return a
}

// readOnlyRefusal is what a read-only operator's write gets (R35).
func readOnlyRefusal(name string) error {
	return refuseWith("R35", name+" is a read-only operator: they see everything and change nothing",
		"Ask an operator who may make changes to do it.")
}
