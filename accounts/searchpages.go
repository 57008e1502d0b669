package accounts

// A search reads scattered pages of the word index, the docs and the
// records. In a console that types filter after filter at a million users,
// those pages of bbolt's memory map stay resident in the process: RSS grew
// to hundreds of megabytes, all of it the file's pages and not the heap
// (issue 14 item 6). Every releaseEvery searches the service hands them back
// to the page cache once more than releaseOver bytes of them are resident;
// the next search finds them there (a minor fault each, no I/O), so typing
// stays as fast and the console's memory stays small. The release runs in
// the background, off the search's way.

const (
	// releaseEvery is how many searches run between two looks at the
	// resident pages: about two typed queries.
	releaseEvery = 16
	// releaseOver is how much of the file may stay resident.
	releaseOver = 192 << 20
)

// searched counts a search and releases the mapped pages when it is due.
func (s *Service) searched() {
	if s.searches.Add(1)%releaseEvery == 0 {
		s.db.ReleaseMapped(releaseOver)
	}
}
