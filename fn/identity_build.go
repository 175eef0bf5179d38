//go:build lbguard_identity

package main

import "github.com/lbguard/lbguard/internal/function"

// The benchmarks' baseline binary: lbguard's own input and output, no rules.
func init() { processor = function.Identity }
