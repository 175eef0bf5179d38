#!/usr/bin/env bash
# Installs the deploy tools the integration tests run lbguard under
# (e2e/helm_test.go, precommit_test.go, action_test.go), each pinned:
#
#   bin/helm              Helm v4, from the Go module proxy
#   bin/helm3             Helm v3, from the Go module proxy
#   bin/actionlint        actionlint, from the Go module proxy
#   bin/sarif-multitool/  the SARIF multitool, from the npm registry
#   pre-commit            Debian's package
#
# Each is a no-op when the pinned version is already there. The two Helm
# builds take about 3 and 2 minutes on a cold Go build cache.
#
# Usage: scripts/integration-tools.sh
set -euo pipefail

HELM_VERSION=v4.3.2
HELM3_VERSION=v3.21.4
ACTIONLINT_VERSION=v1.7.12
SARIF_MULTITOOL_VERSION=5.7.0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/bin"
mkdir -p "$bin"

# modVersion prints the main module version a Go binary was built from.
modVersion() {
	go version -m "$1" 2>/dev/null | awk '$1 == "mod" {print $3; exit}'
}

# goInstall PKG VERSION NAME installs PKG@VERSION as bin/NAME. go install
# names a binary after its package, so it builds into a directory of its own
# and the binary is moved.
goInstall() {
	local pkg=$1 version=$2 name=$3
	if [ "$(modVersion "$bin/$name")" = "$version" ]; then
		echo "integration-tools: bin/$name is $version"
		return
	fi
	local tmp
	tmp="$(mktemp -d "$bin/.install.XXXXXX")"
	echo "integration-tools: building $pkg@$version into bin/$name"
	GOBIN="$tmp" CGO_ENABLED=0 go install "$pkg@$version"
	mv -f "$tmp/$(basename "$pkg")" "$bin/$name"
	rmdir "$tmp"
}

goInstall helm.sh/helm/v4/cmd/helm "$HELM_VERSION" helm
goInstall helm.sh/helm/v3/cmd/helm "$HELM3_VERSION" helm3
goInstall github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_VERSION" actionlint

multitool="$bin/sarif-multitool"
installed="$(sed -n 's/^ *"version": "\(.*\)",$/\1/p' "$multitool/node_modules/@microsoft/sarif-multitool/package.json" 2>/dev/null | head -n1 || true)"
if [ "$installed" = "$SARIF_MULTITOOL_VERSION" ]; then
	echo "integration-tools: the SARIF multitool is $SARIF_MULTITOOL_VERSION"
else
	echo "integration-tools: installing @microsoft/sarif-multitool@$SARIF_MULTITOOL_VERSION into bin/sarif-multitool"
	mkdir -p "$multitool"
	npm install --prefix "$multitool" --no-save --no-audit --no-fund --loglevel=error \
		"@microsoft/sarif-multitool@$SARIF_MULTITOOL_VERSION"
fi

if command -v pre-commit >/dev/null 2>&1; then
	echo "integration-tools: pre-commit $(pre-commit --version)"
else
	echo "integration-tools: installing Debian's pre-commit"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends pre-commit || {
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends pre-commit
	}
fi
