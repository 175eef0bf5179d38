//go:build lbguard_identity

package main

// The benchmarks' baseline binary: lbguard's own input and output, no rules.
func init() { processor = identity }
