#!/usr/bin/env bash
# Prepares podman to run lbguard's image as a kustomize and kpt container function on a machine
# without a Docker engine, and prints the environment to use it:
#
#   eval "$(scripts/podman-env.sh)"
#
# What it does:
#   - installs podman and runc with apt-get when either is missing and apt-get is usable
#     (skipped with --no-install);
#   - writes bin/podman/containers.conf: the runc runtime, cgroupfs, and default ulimits that
#     work in an unprivileged sandbox; podman reads it through CONTAINERS_CONF, so no system
#     file is changed;
#   - writes bin/podman/docker, a shim that execs podman: kustomize runs container functions
#     with `docker run ...` and knows no other engine;
#   - checks that podman runs with that configuration (`podman info`);
#   - prints `export` lines for CONTAINERS_CONF, KPT_FN_RUNTIME=podman and a PATH that starts
#     with bin/podman.
#
# It exits non-zero, printing why on stderr, when podman cannot be used.
set -euo pipefail

install=1
for arg in "$@"; do
	case "$arg" in
	--no-install) install=0 ;;
	-h | --help)
		sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "podman-env.sh: unknown argument: $arg" >&2
		exit 2
		;;
	esac
done

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir="$repo/bin/podman"

if ! command -v podman >/dev/null 2>&1 || ! command -v runc >/dev/null 2>&1; then
	if [ "$install" = 1 ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
		echo "podman-env.sh: installing podman and runc with apt-get" >&2
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >&2
		apt-get install -y -qq podman runc >&2
	fi
fi
for tool in podman runc; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "podman-env.sh: $tool is not installed (install podman and runc, or run this as root where apt-get works)" >&2
		exit 1
	fi
done

mkdir -p "$dir"

cat >"$dir/containers.conf" <<'EOF'
# Written by scripts/podman-env.sh; used through CONTAINERS_CONF.
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
EOF

cat >"$dir/docker" <<'EOF'
#!/bin/sh
# Written by scripts/podman-env.sh: kustomize calls `docker run`; podman serves it.
# With LBGUARD_DOCKER_SHIM_LOG set, each call's arguments are appended to that file.
if [ -n "${LBGUARD_DOCKER_SHIM_LOG:-}" ]; then
	printf '%s\n' "$*" >>"$LBGUARD_DOCKER_SHIM_LOG"
fi
exec podman "$@"
EOF
chmod 0755 "$dir/docker"

if ! out=$(CONTAINERS_CONF="$dir/containers.conf" podman info 2>&1); then
	echo "podman-env.sh: podman cannot run here with $dir/containers.conf:" >&2
	echo "$out" >&2
	exit 1
fi

case "$dir" in
*"'"*)
	echo "podman-env.sh: the repository path must not contain a single quote: $dir" >&2
	exit 1
	;;
esac

# PATH is printed expanded, so that the output can also be read by programs, not only by a shell.
path="$dir"
old_ifs=$IFS
IFS=:
for p in $PATH; do
	[ "$p" = "$dir" ] || path="$path:$p"
done
IFS=$old_ifs

printf "export CONTAINERS_CONF='%s'\n" "$dir/containers.conf"
printf "export KPT_FN_RUNTIME='podman'\n"
printf "export PATH='%s'\n" "$path"
