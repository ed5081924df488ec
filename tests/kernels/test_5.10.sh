#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# One row of the kernel matrix for tests/run.sh: Debian's 5.10 kernel, booted under qemu.
exec bash "$(dirname "$0")/run.sh" 5.10
