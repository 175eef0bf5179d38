package goldenrun

import "testing"

func TestFunction(t *testing.T) { Function(t) }
