package dialog

import (
	"maps"
	"slices"
	"strings"
)

// Values are what the operator typed into a form, kept outside the Huh
// fields so a form built again (after a refusal, after No) shows them all.
type Values struct {
	s map[string]*string
	b map[string]*bool
	l map[string]*[]string
}

// NewValues returns empty values.
func NewValues() *Values {
	return &Values{s: map[string]*string{}, b: map[string]*bool{}, l: map[string]*[]string{}}
}

// S is the text field key, for a Huh field's Value.
func (v *Values) S(key string) *string {
	if p, ok := v.s[key]; ok {
		return p
	}
	p := new(string)
	v.s[key] = p
	return p
}

// B is the yes/no field key.
func (v *Values) B(key string) *bool {
	if p, ok := v.b[key]; ok {
		return p
	}
	p := new(bool)
	v.b[key] = p
	return p
}

// L is the multiple-choice field key.
func (v *Values) L(key string) *[]string {
	if p, ok := v.l[key]; ok {
		return p
	}
	p := new([]string)
	v.l[key] = p
	return p
}

// Str is a text field, trimmed.
func (v *Values) Str(key string) string { return strings.TrimSpace(*v.S(key)) }

// Raw is a text field as typed (passwords).
func (v *Values) Raw(key string) string { return *v.S(key) }

// Bool is a yes/no field.
func (v *Values) Bool(key string) bool { return *v.B(key) }

// List is a multiple-choice field.
func (v *Values) List(key string) []string { return slices.Clone(*v.L(key)) }

// Copy is a snapshot, for a command to read while the form lives on.
func (v *Values) Copy() *Values {
	out := NewValues()
	for k, p := range v.s {
		*out.S(k) = *p
	}
	for k, p := range v.b {
		*out.B(k) = *p
	}
	for k, p := range v.l {
		*out.L(k) = slices.Clone(*p)
	}
	return out
}

// Keys are the text fields' keys, sorted (tests read them).
func (v *Values) Keys() []string { return slices.Sorted(maps.Keys(v.s)) }
