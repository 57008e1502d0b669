package accounts

import (
	"encoding/json"
	"fmt"

	"latchkey/store"
)

// verifyTotals recomputes the running totals and every practice's count of
// licenses in use from the records themselves, and names the first that
// does not match (R1, R44: `check` proves the counts on either engine).
func verifyTotals(tx *store.Tx) error {
	var want Stats
	inUse := map[uint64]int{}
	err := tx.Scan(bUsers, nil, nil, false, func(_, v []byte) (bool, error) {
		var u User
		if err := json.Unmarshal(v, &u); err != nil {
			return false, err
		}
		want.Users++
		countStatus(&want, u.Status, +1)
		if u.Locked() {
			want.Locked++
		}
		if u.Status != StatusInactive {
			inUse[u.PracticeID]++
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	err = tx.Scan(bPractices, nil, nil, false, func(_, v []byte) (bool, error) {
		var p Practice
		if err := json.Unmarshal(v, &p); err != nil {
			return false, err
		}
		if p.InUse != inUse[p.ID] {
			return false, fmt.Errorf("totals: practice #%d (%s) records %d licenses in use, its users hold %d", p.ID, p.Name, p.InUse, inUse[p.ID])
		}
		if p.InUse > p.Purchased {
			return false, fmt.Errorf("totals: practice #%d (%s) uses %d of %d licenses (R1)", p.ID, p.Name, p.InUse, p.Purchased)
		}
		want.Practices++
		want.Purchased += p.Purchased
		want.InUse += p.InUse
		if p.AtCapacity() {
			want.AtCap++
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	have, err := (&txn{tx: tx}).stats()
	if err != nil {
		return err
	}
	if have != want {
		return fmt.Errorf("totals: the running totals %+v do not match the records %+v", have, want)
	}
	return nil
}
