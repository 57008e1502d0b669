package panes

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"latchkey/tui/common"
	"latchkey/tui/components"
)

// prefetch is how close to the end of what is loaded the cursor may come
// before the next page is asked for.
const prefetch = 50

// fetchFunc asks the service for up to limit rows matching query, after the
// loaded rows (last is the last of them, nil for the first page). It runs in
// a command, never in Update, and returns rows already sanitised (R38).
// arg is the pane's own parameter (a practice scope), captured when the
// request is made so the command never reads the model.
type fetchFunc[T any] func(arg any, query string, loaded int, last *T, limit int) ([]T, error)

// page is a list's answer from the service.
type page[T any] struct {
	reset  bool // replaces what is loaded (a new query or a reload)
	loaded int  // how many rows were loaded when it was asked for
	rows   []T
	limit  int
	query  string // the filter it answers
	arg    any    // the pane parameter it answers
}

// list is the machinery every list pane shares: the virtualised table, the
// filter, paging from the service, request numbers, and the keys that move.
type list[T any] struct {
	c      *common.Common
	id     common.PaneID
	table  components.Table
	filter components.Filter
	fetch  fetchFunc[T]
	row    func(i int, it T) components.Row
	noun   string // "users", for the status line
	size   int    // rows per page

	items   []T
	arg     any    // the pane's own query parameter, passed to fetch
	req     int    // the current request number; answers under another are stale
	query   string // the filter the loaded rows answer
	loading bool   // a request is in flight: at most one per pane
	// prefetching: the request in flight is the next page, asked for ahead
	// of the cursor; a new query does not wait for it (its answer is stale).
	prefetching bool
	// pending: the filter changed, or a reload was asked, while a request
	// was in flight; the next query runs as soon as it lands, with every key
	// typed meanwhile (pendingRows: how many rows it keeps).
	pending     bool
	pendingRows int
	done        bool // the service has no more rows
	err         error

	width, height int
	summary       func() string // an optional line above the table
	empty         string        // what an empty list says (no filter); "" for "nothing here"
	// follow: the list is newest first (audit, outbox); while the cursor is
	// on the newest row it stays on the newest as new rows arrive.
	follow bool
	// sortCol is the column sorted by, from 1 (0: the service's order).
	sortCol  int
	sortDesc bool
	// cut tells the mark a fetch ends its rows with when the service cut
	// its page short (a bound on what it reads, accounts.UserPage): the
	// mark is where the next page goes on, not a row. nil: never cut.
	cut func(T) bool
	// resume is the mark of the last page, when it was cut: the next page
	// goes on after it rather than after the last row.
	resume *T
	// filtered reports a filter of the pane's own beyond the typed one (the
	// users' status), for what an empty list says. nil: none.
	filtered func() bool
}

func newList[T any](c *common.Common, id common.PaneID, noun string, size int, fetch fetchFunc[T],
	row func(int, T) components.Row, cols ...components.Column) *list[T] {
	return &list[T]{
		c: c, id: id, noun: noun, size: size, fetch: fetch, row: row,
		table:  components.NewTable(c, cols...),
		filter: components.NewFilter(c, "type to filter "+noun),
	}
}

// load asks for the first page of the current query under a new request
// number; rows keeps at least that many (a reload keeps the cursor's page).
// It asks at once, with no debounce; if a request is in flight it asks when
// that one lands, so keys typed meanwhile merge into one query.
func (l *list[T]) load(rows int) tea.Cmd {
	if l.loading && !l.prefetching {
		l.pending, l.pendingRows = true, max(l.pendingRows, rows)
		return nil
	}
	l.req++
	l.loading, l.prefetching = true, false
	req, q, fetch, arg := l.req, l.filter.Value(), l.fetch, l.arg
	// A new query asks for what the screen shows, not a whole page: the
	// first rows are on screen sooner, and the next page is asked for when
	// the cursor moves. A reload asks for what was loaded and the margin, so
	// it knows whether there is more.
	limit := min(l.size, l.height)
	if rows > 0 {
		limit = max(limit, min(rows+prefetch, 5000))
	}
	return common.Query(l.id, req, func() (any, error) {
		r, err := fetch(arg, q, 0, nil, limit)
		return page[T]{reset: true, rows: r, limit: limit, query: q, arg: arg}, err
	})
}

// more asks for the next page, unless one is on its way or there is no more.
func (l *list[T]) more() tea.Cmd {
	if l.loading || l.done || l.err != nil {
		return nil
	}
	l.loading, l.prefetching = true, true
	req, q, fetch, n, size, arg := l.req, l.query, l.fetch, len(l.items), l.size, l.arg
	var last *T
	if n > 0 {
		v := l.items[n-1]
		last = &v
	}
	if l.resume != nil {
		last = l.resume // the page before was cut: go on past what it read
	}
	return common.Query(l.id, req, func() (any, error) {
		r, err := fetch(arg, q, n, last, size)
		return page[T]{loaded: n, rows: r, limit: size, query: q, arg: arg}, err
	})
}

func (l *list[T]) Init() tea.Cmd   { return l.load(0) }
func (l *list[T]) Reload() tea.Cmd { return l.load(len(l.items)) }

func (l *list[T]) ID() common.PaneID { return l.id }

func (l *list[T]) Capturing() bool { return l.filter.Focused() }

// Selected is the row under the cursor.
func (l *list[T]) Selected() (T, bool) {
	var zero T
	i := l.table.Cursor()
	if i < 0 || i >= len(l.items) {
		return zero, false
	}
	return l.items[i], true
}

// Items are the loaded rows.
func (l *list[T]) Items() []T { return l.items }

// Remove drops the rows keep rejects, at once (an unlocked row leaves the
// lockouts pane without waiting for the reload).
func (l *list[T]) Remove(drop func(T) bool) {
	key, had := l.selectedKey()
	defer func() { l.keepCursorOn(key, had) }()
	out := l.items[:0]
	for _, it := range l.items {
		if !drop(it) {
			out = append(out, it)
		}
	}
	clear(l.items[len(out):])
	l.items = out
	l.table.SetLen(len(l.items))
}

func (l *list[T]) SetSize(w, h int) {
	l.width, l.height = w, h
	l.filter.SetWidth(min(w/2, 48)) // room after it for the count
	l.table.SetSize(w, h-l.chrome())
}

// chrome is the number of lines above the table.
func (l *list[T]) chrome() int {
	n := 1 // the filter / status line
	if l.summary != nil {
		n++
	}
	return n
}

// Back clears a filter if there is one.
func (l *list[T]) Back() (bool, tea.Cmd) {
	if l.filter.Focused() || l.filter.Value() != "" {
		had := l.filter.Value() != "" || l.query != ""
		l.filter.Reset()
		if had {
			return true, l.load(0)
		}
		return true, nil
	}
	return false, nil
}

// Update handles the list's own messages and keys; other keys are left to
// the pane (handled reports whether the key was used).
func (l *list[T]) Update(msg tea.Msg) (cmd tea.Cmd, handled bool) {
	switch msg := msg.(type) {
	case common.DataMsg:
		if msg.Req != l.req {
			return nil, true // a stale answer: a newer query is on its way
		}
		l.loading, l.prefetching = false, false
		p, _ := msg.Data.(page[T])
		// Keys typed (or a reload asked) while this was in flight are asked
		// for now, in one query.
		again, rows := l.pending, l.pendingRows
		l.pending, l.pendingRows = false, 0
		then := func(cmd tea.Cmd) (tea.Cmd, bool) {
			if again {
				return l.load(rows), true
			}
			return cmd, true
		}
		if msg.Err != nil {
			l.err = msg.Err
			return then(nil)
		}
		if p.arg != l.arg {
			return then(nil) // asked before the pane's scope changed
		}
		l.err = nil
		// A reload of the same query keeps the cursor on its record; a new
		// query starts at the top.
		key, had := l.selectedKey()
		if l.follow && l.table.Cursor() <= 0 {
			had = false // on the newest row: follow the new newest
		}
		typed := p.reset && p.query != l.query // the answer to a filter typed
		if typed {
			had = false
			l.table.SetCursor(0)
		}
		got, mark := p.rows, (*T)(nil)
		if n := len(got); n > 0 && l.cut != nil && l.cut(got[n-1]) {
			got, mark = got[:n-1], &got[n-1]
		}
		if applied := p.reset || p.loaded == len(l.items); applied {
			if p.reset {
				l.items = got
				l.query = p.query
			} else {
				l.items = append(l.items, got...)
			}
			l.done = mark == nil && len(got) < p.limit
			l.resume = mark
		}
		l.table.SetLen(len(l.items))
		l.resort()
		l.keepCursorOn(key, had)
		if again || typed && (mark == nil || len(l.items) >= l.height) {
			// While the operator types, the rows below the screen are asked
			// for when the cursor moves, not at once: a prefetch running
			// beside the next key's query would slow it. A page cut short
			// before the screen is full goes on at once, a bounded step at
			// a time; a key typed meanwhile does not wait for it.
			return then(nil)
		}
		return l.maybeMore(), true
	case tea.KeyPressMsg:
		return l.key(msg)
	}
	if l.filter.Focused() {
		_, cmd := l.filter.Update(msg) // cursor and paste messages
		return cmd, false
	}
	return nil, false
}

func (l *list[T]) key(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := l.c.Keys
	if l.filter.Focused() {
		switch msg.String() {
		case "enter":
			l.filter.Blur()
			return nil, true
		case "esc":
			_, cmd := l.Back()
			return cmd, true
		case "up", "down", "pgup", "pgdown":
			l.table.Update(msg)
			return l.maybeMore(), true
		}
		changed, cmd := l.filter.Update(msg)
		if changed {
			cmd = tea.Batch(cmd, l.load(0))
		}
		return cmd, true
	}
	if key.Matches(msg, k.Filter) {
		return l.filter.Focus(), true
	}
	if key.Matches(msg, k.Sort) {
		l.cycleSort()
		return nil, true
	}
	if key.Matches(msg, k.SortReverse) {
		l.reverseSort()
		return nil, true
	}
	if l.table.Update(msg) {
		return l.maybeMore(), true
	}
	return nil, false
}

func (l *list[T]) maybeMore() tea.Cmd {
	if l.table.Cursor() >= len(l.items)-prefetch {
		return l.more()
	}
	return nil
}

// View draws the summary, the filter or status line and the table.
func (l *list[T]) View() string {
	st := l.c.Styles
	var b strings.Builder
	if l.summary != nil {
		b.WriteString(components.Fit(l.summary(), l.width))
		b.WriteByte('\n')
	}
	b.WriteString(components.Fit(l.statusLine(), l.width))
	b.WriteByte('\n')
	items := l.items
	b.WriteString(l.table.View(func(i int) components.Row { return l.row(i, items[i]) }))
	if len(items) == 0 && !l.loading && l.err == nil {
		say := "  nothing here" + l.emptyHint()
		if l.empty != "" && l.emptyHint() == "" {
			say = "  " + l.empty
		}
		b.WriteString("\n" + st.Muted.Render(components.Fit(say, l.width)))
	}
	return b.String()
}

func (l *list[T]) emptyHint() string {
	if l.filter.Value() != "" || l.filtered != nil && l.filtered() {
		return " matches the filter · esc clears it"
	}
	return ""
}

func (l *list[T]) statusLine() string {
	st := l.c.Styles
	if l.filter.Focused() || l.filter.Value() != "" {
		line := l.filter.View()
		if !l.filter.Focused() {
			line = st.FilterPrompt.Render("/ ") + common.Sanitize(l.filter.Value()) + st.Muted.Render("  (esc clears)")
		}
		return line + st.Muted.Render("  "+l.count()+l.sorted())
	}
	if l.err != nil {
		return st.FlashErr.Render("could not load " + l.noun + ": " + common.Sanitize(l.err.Error()))
	}
	return st.Muted.Render(l.count() + l.sorted() + " · / to filter")
}

// sorted says the column sort, and — while the service has more rows than
// are loaded — that it orders only the loaded ones: sorting a million users
// in the query would cost a scan of them all, so the pane says so instead.
func (l *list[T]) sorted() string {
	if l.sortCol == 0 {
		return ""
	}
	dir := map[bool]string{false: "↑", true: "↓"}[l.sortDesc]
	s := " · sorted by " + l.table.Title(l.sortCol-1) + dir
	if !l.done {
		s += ", loaded rows only"
	}
	return s
}

func (l *list[T]) count() string {
	switch {
	case l.loading && len(l.items) == 0:
		return "loading…"
	case l.done:
		return common.Plural(len(l.items), l.noun)
	case l.resume != nil && l.loading:
		return common.Plural(len(l.items), l.noun) + " so far, looking further…"
	case l.sortCol > 0:
		return common.Plural(len(l.items), l.noun) + " loaded" // sorted() says the rest
	}
	return common.Plural(len(l.items), l.noun) + " loaded, more as you scroll"
}

// ClickRow selects the row drawn at line y of the pane (mouse clicks).
func (l *list[T]) ClickRow(y int) bool {
	y-- // the status line
	if l.summary != nil {
		y--
	}
	return l.table.ClickRow(y)
}
