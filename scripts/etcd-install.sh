#!/usr/bin/env bash
# Installs etcd (Debian package etcd-server) for the server-side validation
# tests (internal/apiserver) when no etcd binary is on PATH. No-op otherwise.
# The tests start their own etcd on a random 127.0.0.1 port; a service that
# the package may start is not used.
set -euo pipefail

if command -v etcd >/dev/null 2>&1; then
	echo "etcd-install: $(command -v etcd) present ($(etcd --version 2>/dev/null | head -n1))"
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "etcd-install: etcd is not installed and apt-get is not available" >&2
	exit 1
fi

sudo=()
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo=(sudo -n)
	else
		echo "etcd-install: etcd is not installed and installing it needs root" >&2
		exit 1
	fi
fi

export DEBIAN_FRONTEND=noninteractive
install() {
	"${sudo[@]}" apt-get install -y --no-install-recommends etcd-server
}

# apt-get holds its own lock; serialize callers so that concurrent test
# binaries wait for each other instead of failing on it.
exec 9>/tmp/lbguard-etcd-install.lock
if command -v flock >/dev/null 2>&1; then flock 9; fi
if command -v etcd >/dev/null 2>&1; then exit 0; fi

if ! install; then
	"${sudo[@]}" apt-get update
	install
fi
echo "etcd-install: installed $(etcd --version | head -n1)"
