package gatewayapi_test

import (
	"testing"

	"github.com/lbguard/lbguard/internal/testkit/goldenrun"
)

// TestFunctionGolden runs the function's golden cases in this package's
// tests, so that its own coverage counts them.
func TestFunctionGolden(t *testing.T) { goldenrun.Function(t) }
