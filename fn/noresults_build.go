//go:build lbguard_noresults

package main

// A benchmarks' measuring binary: lbguard's rules and edits, no results written.
func init() { processor = withoutResults }
