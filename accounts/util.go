package accounts

import (
	"slices"
	"strconv"
)

func itoa(n int) string { return strconv.Itoa(n) }

func sortIDs(ids []uint64) { slices.Sort(ids) }
