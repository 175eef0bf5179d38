#!/usr/bin/env bash
# Builds bin/kube-apiserver for the server-side validation tests
# (internal/apiserver) from the tools/apiserver module, which pins
# k8s.io/kubernetes to the release matching the main module's k8s.io/api.
#
# Builds once per machine: when bin/kube-apiserver already reports the pinned
# version this is a no-op. A cold build takes tens of minutes on 2 cores; the
# Go build cache makes later rebuilds (e.g. after a version bump of a few
# packages) much faster.
#
# Usage: scripts/apiserver-build.sh [--force]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
moddir="$root/tools/apiserver"
out="${KUBE_APISERVER_OUT:-$root/bin/kube-apiserver}"

version="$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ {print $2; exit}' "$moddir/go.mod")"
if [ -z "$version" ]; then
	# go.mod lists the requirement inside a require block; fall back to go list.
	version="$(cd "$moddir" && go list -m -f '{{.Version}}' k8s.io/kubernetes)"
fi

force=0
if [ "${1:-}" = "--force" ]; then force=1; fi

if [ "$force" = 0 ] && [ -x "$out" ]; then
	have="$("$out" --version 2>/dev/null || true)"
	if [ "$have" = "Kubernetes $version" ]; then
		echo "apiserver-build: $out is $have, nothing to do"
		exit 0
	fi
	echo "apiserver-build: $out reports '${have}', want 'Kubernetes $version'; rebuilding"
fi

mkdir -p "$(dirname "$out")"

# Serialize concurrent builds (several test binaries may ask at once).
lock="$(dirname "$out")/.kube-apiserver.build.lock"
exec 9>"$lock"
if command -v flock >/dev/null 2>&1; then
	flock 9
	if [ "$force" = 0 ] && [ -x "$out" ] && [ "$("$out" --version 2>/dev/null || true)" = "Kubernetes $version" ]; then
		echo "apiserver-build: $out was built meanwhile"
		exit 0
	fi
fi

minor="${version#v1.}"
minor="${minor%%.*}"
pkg=k8s.io/component-base/version
cpkg=k8s.io/client-go/pkg/version
ldflags="-s -w"
for p in "$pkg" "$cpkg"; do
	ldflags="$ldflags -X $p.gitVersion=$version -X $p.gitMajor=1 -X $p.gitMinor=$minor"
	ldflags="$ldflags -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
done

echo "apiserver-build: building kube-apiserver $version into $out (slow on a cold build cache)"
start=$(date +%s)
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
(
	cd "$moddir"
	GOFLAGS="${GOFLAGS:-} -mod=readonly" go build -trimpath -ldflags "$ldflags" -o "$tmp" k8s.io/kubernetes/cmd/kube-apiserver
)
mv -f "$tmp" "$out"
trap - EXIT
echo "apiserver-build: built $("$out" --version) in $(( $(date +%s) - start ))s"
