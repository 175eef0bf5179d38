// Package e2e renders the packages under examples/ with the real kustomize
// and kpt command-line tools, and with kustomize's Go API, running lbguard as
// an exec function, and checks the rendered resources.
//
// The tests build lbguard themselves and install the kustomize CLI they need
// into the repository's bin/ when it is missing, so `go test ./...` works on a
// fresh clone. The kpt tests skip when kpt is not on PATH.
package e2e
