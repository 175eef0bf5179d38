//go:build lbguard_noresults

package main

import "github.com/lbguard/lbguard/internal/function"

// A benchmarks' measuring binary: lbguard's rules and edits, no results written.
func init() { processor = function.WithoutResults }
