package krmio

import (
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// For the external tests: the text writer of results, and what the
// emitter writes instead.
var AppendResult = appendResult

func Emitted(t testing.TB, res *fn.Result) string { return emitted(t, res) }
