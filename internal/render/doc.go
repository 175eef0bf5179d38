// Package render turns a repository as users keep it into the Kubernetes
// resources lbguard checks: plain manifests read as they are, Helm charts
// rendered with Helm's SDK (client side, no cluster), and kustomizations
// built in process with kustomize's krusty. It owns the input side only:
// finding what to read, rendering it, refusing repeated keys, expanding
// Lists, counting YAML that is not a resource, and remembering for every
// resource where it came from (file and line, chart and template, overlay
// and source) so that findings can name it. Rules and output live elsewhere.
package render
