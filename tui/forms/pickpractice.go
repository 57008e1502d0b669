package forms

import (
	"errors"
	"strconv"

	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// PickPractice asks which practice an action is for, when nothing on screen
// says so (adding a user from an empty list). / filters the list.
type PickPractice struct {
	base
	Then   common.Action // the action the practice is for
	choice *uint64
}

// NewPickPractice returns the form over a list of practices.
func NewPickPractice(c *common.Common, then common.Action, ps []accounts.Practice) *PickPractice {
	f := &PickPractice{base: base{c: c}, Then: then, choice: new(uint64)}
	f.heading = "Which practice? (" + string(then) + ")"
	opts := []huh.Option[uint64]{huh.NewOption("— choose a practice (/ filters) —", uint64(0))}
	for _, p := range ps {
		label := common.Sanitize(p.Name) + " (#" + strconv.FormatUint(p.ID, 10) + ", " +
			strconv.Itoa(p.Free()) + " free)"
		opts = append(opts, huh.NewOption(label, p.ID))
	}
	f.setup(func() []*huh.Group {
		return []*huh.Group{huh.NewGroup(
			huh.NewSelect[uint64]().Key("practice").Title("Practice").Options(opts...).Value(f.choice).
				Height(min(len(opts)+2, 12)).Validate(func(id uint64) error {
				if id == 0 {
					return errors.New("choose a practice")
				}
				return nil
			}),
		)}
	})
	return f
}

// PracticeID is the practice chosen.
func (f *PickPractice) PracticeID() uint64 { return *f.choice }
