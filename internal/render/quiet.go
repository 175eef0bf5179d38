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

// tokenLike is a run of 16 or more characters of a token's alphabet
// (base64, hex, an access key) that mixes letters and digits.
var tokenLike = regexp.MustCompile(`[A-Za-z0-9+=_-]{16,}`)

// Quiet is msg as one line of at most maxMessage characters, each
// token-like run replaced by "[redacted]".
func Quiet(msg string) string {
	msg = strings.Join(strings.Fields(msg), " ")
	msg = tokenLike.ReplaceAllStringFunc(msg, func(run string) string {
		if strings.ContainsAny(run, "0123456789") && strings.IndexFunc(run, isLetter) >= 0 {
			return "[redacted]"
		}
		return run
	})
	if r := []rune(msg); len(r) > maxMessage {
		msg = string(r[:maxMessage]) + "…"
	}
	return msg
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
