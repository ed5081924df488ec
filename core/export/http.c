// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The metrics endpoint over libmicrohttpd (see http.h): one polling
 * thread of the library (epoll) answers every connection from the
 * exposition last published, and one guard thread of ours closes the
 * connections that overstay.
 *
 * Expositions are reference-counted snapshots: the tick publishes a new
 * one and drops its hold on the old; each response holds the one it
 * sends until the library is done with it. No copy per request, and a
 * slow reader keeps at most its own snapshot alive.
 *
 * Connections are tracked in a fixed table (the library's own limit is
 * a few above ours, so a slot is always free): accepted at, last request
 * completed at, answering now. Past RI_HTTP_MAX_CONN, the connection that
 * has waited longest for a request (not one being answered) is shut
 * down; so is any connection that went RI_HTTP_DEADLINE_S without
 * completing one, which is what a client sending a header byte per
 * second does. shutdown(), not close(): the library still owns the
 * descriptor, sees the end of the stream and closes it itself, and it
 * tells us it closed (NOTIFY_CLOSED) before it does, under our lock, so
 * we never shut down a descriptor that has been reused.
 *
 * The library is loaded (dlopen) only when --listen asks for a server,
 * not with the binary: it brings GnuTLS and its kin, whose start-up at
 * load time costs some 2 MiB of resident memory in every run, the TUI's
 * included, that serves nothing.
 */
#include <dlfcn.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "version.h"
#include "http.h"
#include "http_route.h"

/* The library's own limit: a few above ours, so a slot is always free. */
#define LIB_MAX_CONN (RI_HTTP_MAX_CONN + 8)
/* Spare expositions kept for reuse; more are freed. */
#define MAX_SPARE 2

struct snap {
	struct ri_expo e;
	struct ri_http *h;
	unsigned refs;
	struct snap *next; /* in the spare list */
};

struct slot {
	int fd;
	double since; /* accepted, or last request completed (monotonic s) */
	bool used, busy, evicted;
};

struct ri_http {
	struct MHD_Daemon *d;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t guard;
	bool guard_running, stopping;
	struct snap *cur, *spare;
	unsigned nspare, nconn;
	struct slot slots[LIB_MAX_CONN];
	char index[512];
	size_t index_len;
};

/* The library's functions we call, once loaded (load_mhd). */
static struct {
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_create_response_from_buffer_with_free_callback_cls)
		*create_response_from_buffer_with_free_callback_cls;
	__typeof__(MHD_destroy_response) *destroy_response;
	__typeof__(MHD_get_connection_info) *get_connection_info;
	__typeof__(MHD_lookup_connection_value) *lookup_connection_value;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
} mhd;
/* Why the library could not be loaded; empty once it is. */
static char mhd_err[256];
static bool mhd_loaded;

static const char not_found[] = "not found\n";
static const char not_allowed[] = "method not allowed: GET or HEAD\n";
static const char not_ready[] = "no exposition yet\n";
static const char bad_request[] = "a GET or HEAD request carries no body\n";

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- snapshots ------------------------------------------------------- */

/* Under h->lock. */
static void snap_unref(struct ri_http *h, struct snap *s)
{
	if (!s || --s->refs)
		return;
	if (h->nspare < MAX_SPARE && !h->stopping) {
		s->next = h->spare;
		h->spare = s;
		h->nspare++;
		return;
	}
	ri_expo_free(&s->e);
	free(s);
}

/* The library is done with a response: its snapshot may go. */
static void response_done(void *cls)
{
	struct snap *s = cls;
	struct ri_http *h = s->h;

	pthread_mutex_lock(&h->lock);
	snap_unref(h, s);
	pthread_mutex_unlock(&h->lock);
}

struct ri_expo *ri_http_expo(struct ri_http *h)
{
	struct snap *s;

	pthread_mutex_lock(&h->lock);
	s = h->spare;
	if (s) {
		h->spare = s->next;
		h->nspare--;
	}
	pthread_mutex_unlock(&h->lock);
	if (!s && !(s = calloc(1, sizeof(*s))))
		return NULL;
	s->h = h;
	s->refs = 1;
	s->next = NULL;
	return &s->e;
}

void ri_http_publish(struct ri_http *h, struct ri_expo *e)
{
	struct snap *s = (struct snap *)e, *old;

	pthread_mutex_lock(&h->lock);
	old = h->cur;
	h->cur = s;
	snap_unref(h, old);
	pthread_mutex_unlock(&h->lock);
}

void ri_http_discard(struct ri_http *h, struct ri_expo *e)
{
	pthread_mutex_lock(&h->lock);
	snap_unref(h, (struct snap *)e);
	pthread_mutex_unlock(&h->lock);
}

/* ---- connections ------------------------------------------------------ */

/* Under h->lock: the connection that has waited longest, not @except. */
static void evict_oldest(struct ri_http *h, struct slot *except)
{
	struct slot *best = NULL;
	size_t i;

	for (i = 0; i < LIB_MAX_CONN; i++) {
		struct slot *s = &h->slots[i];

		if (!s->used || s->busy || s->evicted || s == except)
			continue;
		if (!best || s->since < best->since)
			best = s;
	}
	/* Every other one is being answered: the newcomer waits its turn. */
	if (!best)
		best = except;
	shutdown(best->fd, SHUT_RDWR);
	best->evicted = true;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **ctx,
			  enum MHD_ConnectionNotificationCode code)
{
	struct ri_http *h = cls;
	struct slot *s = *ctx;
	size_t i;

	pthread_mutex_lock(&h->lock);
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			mhd.get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);

		for (i = 0; i < LIB_MAX_CONN && h->slots[i].used; i++)
			;
		if (ci && i < LIB_MAX_CONN) {
			s = &h->slots[i];
			s->used = true;
			s->busy = s->evicted = false;
			s->fd = ci->connect_fd;
			s->since = mono_s();
			*ctx = s;
			if (++h->nconn > RI_HTTP_MAX_CONN)
				evict_oldest(h, s);
		} else if (ci) {
			shutdown(ci->connect_fd, SHUT_RDWR);
		}
	} else if (s) {
		/* MHD_CONNECTION_NOTIFY_CLOSED: before the descriptor is closed. */
		s->used = false;
		h->nconn--;
		*ctx = NULL;
	}
	pthread_mutex_unlock(&h->lock);
}

static struct slot *slot_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		mhd.get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req,
			 enum MHD_RequestTerminationCode toe)
{
	struct ri_http *h = cls;
	struct slot *s = slot_of(c);

	(void)req;
	(void)toe;
	pthread_mutex_lock(&h->lock);
	if (s && s->used) {
		s->busy = false;
		s->since = mono_s();
	}
	pthread_mutex_unlock(&h->lock);
}

/* Closes what overstayed its deadline, four times a second. */
static void *guard_main(void *arg)
{
	struct ri_http *h = arg;
	struct timespec ts;
	size_t i;

	pthread_setname_np(pthread_self(), "ri-http-guard");
	pthread_mutex_lock(&h->lock);
	while (!h->stopping) {
		double now = mono_s();

		for (i = 0; i < LIB_MAX_CONN; i++) {
			struct slot *s = &h->slots[i];

			if (s->used && !s->evicted && now - s->since > RI_HTTP_DEADLINE_S) {
				shutdown(s->fd, SHUT_RDWR);
				s->evicted = true;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 250000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&h->wake, &h->lock, &ts);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/* ---- requests ----------------------------------------------------------- */

static struct MHD_Response *static_page(const char *body, size_t len,
					const char *type)
{
	struct MHD_Response *r = mhd.create_response_from_buffer(
		len, (void *)body, MHD_RESPMEM_PERSISTENT);

	if (r)
		mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	return r;
}

static struct MHD_Response *metrics_page(struct ri_http *h,
					 enum ri_expo_format fmt, int *status)
{
	const struct ri_buf *b;
	struct MHD_Response *r;
	struct snap *s;

	pthread_mutex_lock(&h->lock);
	s = h->cur;
	if (s)
		s->refs++;
	pthread_mutex_unlock(&h->lock);
	if (!s) {
		*status = MHD_HTTP_SERVICE_UNAVAILABLE;
		return static_page(not_ready, sizeof(not_ready) - 1, "text/plain; charset=utf-8");
	}
	b = fmt == RI_FMT_OPENMETRICS ? &s->e.om : &s->e.text;
	r = mhd.create_response_from_buffer_with_free_callback_cls(b->len, b->p,
								   response_done, s);
	if (!r) {
		response_done(s);
		return NULL;
	}
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				fmt == RI_FMT_OPENMETRICS ?
					"application/openmetrics-text; version=1.0.0; charset=utf-8" :
					"text/plain; version=0.0.4; charset=utf-8");
	return r;
}

/* Whether the request announces a body: a length other than 0, or chunks. */
static bool has_body(struct MHD_Connection *c)
{
	const char *len = mhd.lookup_connection_value(c, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_CONTENT_LENGTH);

	return (len && strspn(len, "0") != strlen(len)) ||
	       mhd.lookup_connection_value(c, MHD_HEADER_KIND,
					   MHD_HTTP_HEADER_TRANSFER_ENCODING);
}

/*
 * Called once the headers are in, then again (the library's protocol)
 * before the response: answering on the first call makes the library
 * close the connection afterwards, which is what an error wants (a body
 * left unread) and what a scrape does not (Prometheus keeps its
 * connection alive from one scrape to the next).
 */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **req)
{
	static int second; /* a mark for *req: its address, never its value */
	struct ri_http *h = cls;
	struct ri_http_route route;
	struct MHD_Response *r = NULL;
	struct slot *s;
	enum MHD_Result ret;
	int status;

	(void)version;
	(void)upload;
	ri_http_route(method, url,
		      mhd.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT),
		      has_body(c), &route);
	if (route.status == 200 && !*req) {
		*req = &second;
		return MHD_YES;
	}
	if (*upload_size) {
		/* Cannot happen after a 200 route (no body); never read one. */
		return MHD_NO;
	}
	s = slot_of(c);
	pthread_mutex_lock(&h->lock);
	if (s && s->used)
		s->busy = true;
	pthread_mutex_unlock(&h->lock);
	status = route.status;
	switch (route.page) {
	case RI_PAGE_METRICS:
		r = metrics_page(h, route.format, &status);
		break;
	case RI_PAGE_INDEX:
		r = static_page(h->index, h->index_len, "text/html; charset=utf-8");
		break;
	case RI_PAGE_NOT_FOUND:
		r = static_page(not_found, sizeof(not_found) - 1, "text/plain; charset=utf-8");
		break;
	case RI_PAGE_NOT_ALLOWED:
		r = static_page(not_allowed, sizeof(not_allowed) - 1,
				"text/plain; charset=utf-8");
		if (r)
			mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
		break;
	case RI_PAGE_BAD_REQUEST:
		r = static_page(bad_request, sizeof(bad_request) - 1,
				"text/plain; charset=utf-8");
		break;
	}
	if (!r)
		return MHD_NO; /* out of memory: the library closes the connection */
	ret = mhd.queue_response(c, (unsigned)status, r);
	mhd.destroy_response(r);
	return ret;
}

/* ---- lifetime ------------------------------------------------------------ */

#define MHD_SYM(lib, name)                                                    \
	(*(void **)&mhd.name = dlsym(lib, "MHD_" #name))

/*
 * Loads the library, once; called from the main thread only, before
 * privileges are dropped (ri_exporter_prepare), since the seccomp filter
 * that follows need not allow what loading does.
 */
static bool load_mhd(void)
{
	void *lib;

	if (mhd_loaded || mhd_err[0])
		return mhd_loaded;
	lib = dlopen(RI_MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(mhd_err, sizeof(mhd_err), "cannot load the HTTP server's library: %s",
			 dlerror());
		return false;
	}
	if (!MHD_SYM(lib, add_response_header) ||
	    !MHD_SYM(lib, create_response_from_buffer) ||
	    !MHD_SYM(lib, create_response_from_buffer_with_free_callback_cls) ||
	    !MHD_SYM(lib, destroy_response) || !MHD_SYM(lib, get_connection_info) ||
	    !MHD_SYM(lib, lookup_connection_value) || !MHD_SYM(lib, queue_response) ||
	    !MHD_SYM(lib, start_daemon) || !MHD_SYM(lib, stop_daemon)) {
		snprintf(mhd_err, sizeof(mhd_err), "cannot load the HTTP server's library: %s",
			 dlerror());
		dlclose(lib);
		return false;
	}
	/* Never unloaded: the process needs it until it exits. */
	mhd_loaded = true;
	return true;
}

bool ri_http_available(void)
{
	return load_mhd();
}

int ri_http_start(int fd, struct ri_http **out, char *err, size_t errlen)
{
	struct ri_http *h = calloc(1, sizeof(*h));
	pthread_condattr_t ca;
	int e;

	*out = NULL;
	if (!load_mhd()) {
		if (fd >= 0)
			close(fd);
		free(h);
		snprintf(err, errlen, "%s", mhd_err);
		return -ENOSYS;
	}
	if (!h) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	pthread_mutex_init(&h->lock, NULL);
	/* The guard's deadlines are on the monotonic clock: so is its wait. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->wake, &ca);
	pthread_condattr_destroy(&ca);
	h->index_len = (size_t)snprintf(
		h->index, sizeof(h->index),
		"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		"<title>resource_image %s</title></head>\n<body><h1>resource_image %s</h1>\n"
		"<p>CPU, memory, I/O and run-queue wait of every process, measured in the "
		"kernel, short-lived processes included.</p>\n"
		"<p><a href=\"/metrics\">/metrics</a></p>\n</body></html>\n",
		RI_VERSION, RI_VERSION);
	h->d = mhd.start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL,
		on_request, h,
		MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)LIB_MAX_CONN,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)RI_HTTP_DEADLINE_S,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)RI_HTTP_CONN_MEMORY,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
		MHD_OPTION_END);
	if (!h->d) {
		e = errno ? errno : EINVAL;
		close(fd);
		snprintf(err, errlen, "cannot start the HTTP server: %s", strerror(e));
		ri_http_stop(h);
		return -e;
	}
	e = pthread_create(&h->guard, NULL, guard_main, h);
	if (e) {
		snprintf(err, errlen, "cannot start the HTTP server: %s", strerror(e));
		ri_http_stop(h);
		return -e;
	}
	h->guard_running = true;
	*out = h;
	return 0;
}

void ri_http_stop(struct ri_http *h)
{
	struct snap *s;

	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	h->stopping = true;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->lock);
	if (h->guard_running)
		pthread_join(h->guard, NULL);
	/* Closes every connection and the socket; pending responses let go. */
	if (h->d)
		mhd.stop_daemon(h->d);
	pthread_mutex_lock(&h->lock);
	snap_unref(h, h->cur);
	h->cur = NULL;
	while ((s = h->spare)) {
		h->spare = s->next;
		ri_expo_free(&s->e);
		free(s);
	}
	pthread_mutex_unlock(&h->lock);
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->wake);
	free(h);
}
