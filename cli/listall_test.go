package cli

import (
	"slices"
	"testing"
)

// R33 (issue 14 item 1): `--limit 0` lists every match of users, practices
// and patients, searched or not, walking the pages without gaps or repeats
// (a page here is two rows, so every list takes many), in the order one big
// page gives.
func TestListLimitAllPages(t *testing.T) {
	db, _ := newDemo(t)
	defer func(n int) { listPage = n }(listPage)
	type row struct {
		ID    uint64 `json:"id"`
		Login string `json:"login"`
		Name  string `json:"name"`
	}
	list := func(args ...string) []row {
		var rows []row
		decodeJSON(t, mustRun(t, append(args, "--db", db, "--json")...), &rows)
		return rows
	}
	first := list("practices", "list")[0].Name[:1] // a letter one practice's name starts with
	for _, c := range [][]string{
		{"users", "list"}, {"users", "list", "--search", "a"}, {"users", "list", "--search", "m j"},
		{"practices", "list"}, {"practices", "list", "--search", first},
		{"patients", "list"}, {"patients", "list", "--search", "a"}, {"patients", "list", "--search", "e 19"},
	} {
		listPage = 1000
		whole := list(append(c, "--limit", "100000")...)
		listPage = 2
		paged := list(append(c, "--limit", "0")...)
		if len(whole) == 0 || !slices.Equal(paged, whole) {
			t.Errorf("%q --limit 0: %d rows, one page: %d", c, len(paged), len(whole))
		}
	}
	if r := run(t, "patients", "list", "--db", db, "--limit", "-1"); r.code != ExitUsage {
		t.Errorf("--limit -1: exit %d", r.code)
	}
}
