// Package timing computes how long requests fail while a workload behind an
// AWS load balancer rolls out, drains or scales down: the model of
// docs/timing.md, as pure functions of plain inputs.
//
// Every latency and window is a pair, typical and worst (docs/timing.md §5.1).
// The worst column takes the ELB's worst values with the typical Kubernetes
// and LBC part δ, as the L row of docs/timing.md §1.4 does.
//
// Latencies gives the table (§1.4, §2, §5.2); W1 … W9 the closed forms of
// §5.4; SimulateRollout and DrainNode the step simulations of §5.3 for the
// timeline; Checks the progress and platform checks of §5.4 and §6.1; Explain
// all of it for one workload behind one load balancer.
package timing
