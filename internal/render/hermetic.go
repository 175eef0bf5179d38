package render

import (
	"errors"
	"net/http"
	"os"
)

// ErrNoFetch is what an HTTP request made while lbguard renders a
// repository gets: lbguard fetches nothing.
var ErrNoFetch = errors.New("lbguard fetches nothing")

type noFetch struct{}

func (noFetch) RoundTrip(*http.Request) (*http.Response, error) { return nil, ErrNoFetch }

// Seal makes the process unable to fetch or start a program by the usual
// routes, a second line behind the checks that leave remote bases and
// plugins alone (kustomize_scan.go): HTTP clients that use Go's default
// transport fail at once, and with PATH empty no program is found by name.
// The commands that read a repository call it first; lbguard needs neither.
func Seal() {
	http.DefaultTransport = noFetch{}
	os.Setenv("PATH", "")
}
