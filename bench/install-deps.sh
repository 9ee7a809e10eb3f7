#!/bin/sh
# What `make bench` uses beyond the build: python3 to drive it, gnuplot for
# the chart, QEMU for the comparison. Installed from Debian when missing.
need=""
command -v python3 >/dev/null 2>&1 || need="$need python3"
command -v gnuplot >/dev/null 2>&1 || need="$need gnuplot-nox"
command -v qemu-system-x86_64 >/dev/null 2>&1 || need="$need qemu-system-x86"
[ -z "$need" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "bench: missing:$need (install them, or run as root)" >&2
	exit 1
fi
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need
