package screen

// Suspending the console (ctrl+z): the screen gives the terminal back as
// it found it — the normal screen, the cursor, the modes — before the
// process stops, so the shell is usable, and takes it again on resume,
// drawing the whole frame anew (the shell drew over it meanwhile). Frames
// drawn while suspended are kept, not written; the newest is drawn on
// resume.

// Leave gives the terminal back, once the frame being written is out.
func (s *Screen) Leave() { s.ask(true) }

// Enter takes the terminal again after Leave and draws the newest frame whole.
func (s *Screen) Enter() { s.ask(false) }

func (s *Screen) ask(leave bool) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	ack := make(chan struct{})
	if s.acked != nil {
		close(s.acked) // an older ask, superseded before it was done
	}
	s.leave, s.enter, s.acked = leave, !leave, ack
	s.mu.Unlock()
	s.signal()
	select {
	case <-ack:
	case <-s.done: // closed meanwhile
	}
}
