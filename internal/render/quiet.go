package render

import (
	"regexp"
	"strings"
)

// A template or parser error may quote what it read: a chart's `fail`
// prints whatever the template hands it, and a YAML error quotes a line.
// What reaches the CI log is held to a short excerpt with anything that
// looks like a token taken out (docs/security.md: quiet about contents).

// maxMessage is the most of an engine's or parser's message that is shown.
const maxMessage = 400

// tokenLike is a run of a token's alphabet (base64, hex, an access key)
// long enough to hold one; secret says which of them are.
var tokenLike = regexp.MustCompile(`[A-Za-z0-9+/=_-]{16,}`)

// secret says whether a run looks like a credential rather than a name:
// mixed case with digits (base64, GitHub tokens), capitals with digits
// (AWS access keys), long hex, or long with many digits. Directory and
// resource names (lowercase words, a version) are kept.
func secret(run string) bool {
	var upper, lower, digits, hex int
	for _, r := range run {
		switch {
		case r >= 'A' && r <= 'Z':
			upper++
		case r >= 'a' && r <= 'z':
			lower++
		case r >= '0' && r <= '9':
			digits++
		}
		if strings.ContainsRune("0123456789abcdefABCDEF", r) {
			hex++
		}
	}
	n := len(run)
	return digits > 0 && upper > 0 && lower > 0 && n >= 20 ||
		digits > 0 && upper >= 8 && lower == 0 && n >= 16 && !strings.ContainsAny(run, "_-") ||
		hex == n && n >= 32 ||
		digits >= 6 && n >= 24
}

// Quiet is msg as one line of at most maxMessage characters, each
// token-like run replaced by "[redacted]".
func Quiet(msg string) string {
	msg = strings.Join(strings.Fields(msg), " ")
	msg = tokenLike.ReplaceAllStringFunc(msg, func(run string) string {
		if secret(run) {
			return "[redacted]"
		}
		return run
	})
	if r := []rune(msg); len(r) > maxMessage {
		msg = string(r[:maxMessage]) + "…"
	}
	return msg
}
