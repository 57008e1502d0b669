package panes

// Every row knows the record it shows, so a reload — the simulator acting,
// another operator, a lock lifting — keeps the cursor on the same record,
// not on whatever slid into its place.

type keyedRow interface{ rowKey() uint64 }

func (r eventRow) rowKey() uint64    { return r.Seq }
func (r practiceRow) rowKey() uint64 { return r.ID }
func (r lockRow) rowKey() uint64     { return r.ID }
func (r messageRow) rowKey() uint64  { return r.ID }
func (r patientRow) rowKey() uint64  { return r.ID }
func (r userRow) rowKey() uint64     { return r.ID }

// selectedKey is the key of the row under the cursor, if any.
func (l *list[T]) selectedKey() (uint64, bool) {
	it, ok := l.Selected()
	if !ok {
		return 0, false
	}
	k, ok := any(it).(keyedRow)
	if !ok {
		return 0, false
	}
	return k.rowKey(), true
}

// keepCursorOn puts the cursor back on the row with key, if it is still
// loaded; otherwise the cursor stays where it was, on the row that follows.
func (l *list[T]) keepCursorOn(key uint64, had bool) {
	if !had {
		return
	}
	for i, it := range l.items {
		if k, ok := any(it).(keyedRow); ok && k.rowKey() == key {
			l.table.SetCursor(i)
			return
		}
	}
}
