package cli

import "latchkey/accounts"

// Lists with --limit 0 print every match, a page at a time, each page
// continuing after the last row of the one before (listUsers too).

// listPage is the rows asked for at a time (a variable: tests page short).
var listPage = 1000

// listPractices runs q; a limit of 0 pages through every match.
func listPractices(svc *accounts.Service, q accounts.PracticeQuery) ([]accounts.Practice, error) {
	if q.Limit > 0 {
		return svc.Practices(q)
	}
	var all []accounts.Practice
	for {
		q.Limit = listPage
		ps, err := svc.Practices(q)
		all = append(all, ps...)
		if err != nil || len(ps) < q.Limit {
			return all, err
		}
		q.After = ps[len(ps)-1].ID
	}
}

// listPatients runs q; a limit of 0 pages through every match.
func listPatients(svc *accounts.Service, q accounts.PatientQuery) ([]accounts.PatientRow, error) {
	if q.Limit > 0 {
		return svc.Patients(q)
	}
	var all []accounts.PatientRow
	for {
		q.Limit = listPage
		rows, err := svc.Patients(q)
		all = append(all, rows...)
		if err != nil || len(rows) < q.Limit {
			return all, err
		}
		last := rows[len(rows)-1]
		q.After, q.AfterRank = last.ID, last.Rank
	}
}
