/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The tool's version: said by --version, written in a recording's header,
 * served by the exporter (its info series and its page).
 */
#ifndef RI_VERSION_H
#define RI_VERSION_H

#define RI_VERSION "0.1.0"

#endif /* RI_VERSION_H */
