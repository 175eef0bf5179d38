package function

import (
	"os"
	"testing"

	"github.com/lbguard/lbguard/internal/apiserver"
)

// The dry-run tests share one kube-apiserver, stopped when the tests end.
func TestMain(m *testing.M) { os.Exit(apiserver.Main(m)) }
