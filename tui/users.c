// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * User names for the USER column. getpwuid() may read files or ask NSS
 * over the network, so each uid is resolved once and cached; a uid with
 * no name shows as its number, like top.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

#define NBUCKETS 64

struct user {
	uid_t uid;
	char name[32];
	struct user *next;
};

static struct user *buckets[NBUCKETS];

const char *user_name(uid_t uid)
{
	struct user **b = &buckets[uid % NBUCKETS], *u;
	struct passwd *pw;

	for (u = *b; u; u = u->next)
		if (u->uid == uid)
			return u->name;
	u = calloc(1, sizeof(*u));
	if (!u)
		return "?";
	u->uid = uid;
	pw = getpwuid(uid);
	if (pw)
		snprintf(u->name, sizeof(u->name), "%s", pw->pw_name);
	else
		snprintf(u->name, sizeof(u->name), "%u", (unsigned)uid);
	u->next = *b;
	*b = u;
	return u->name;
}
