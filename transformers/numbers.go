package transformers

import "strconv"

func itoa(n int) string { return strconv.Itoa(n) }

// atoi reads a whole number of seconds written in an annotation.
func atoi(s string) (int, error) { return strconv.Atoi(s) }
