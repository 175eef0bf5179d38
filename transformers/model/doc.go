// Package model is what lbguard's rules read and edit: the inventory of a
// ResourceList (its load balancers, the backends they send to, the
// workloads behind them), each object's view (root node, names, identity),
// the readers of the fields the rules share (replicas, budgets, preStop,
// selectors, delays), the delays phase, the Frontend interface with the
// registry the front ends (transformers/frontends/...) add themselves to,
// and the Report every rule writes its results to. It imports no rule and no
// front end: the rules (transformers/rules) and the front ends import it.
package model
