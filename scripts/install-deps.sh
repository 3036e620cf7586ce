#!/usr/bin/env bash
# Installs what the project needs beyond the Swift toolchain: OpenBLAS (which brings LAPACK).
set -euo pipefail
if ! dpkg -s libopenblas-dev >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libopenblas-dev >/dev/null
fi
