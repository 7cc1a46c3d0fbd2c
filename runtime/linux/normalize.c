// SPDX-License-Identifier: Apache-2.0
/*
 * Live records to normalised events (normalize.h).
 *
 * Design. A record is checked once (type, sizes, string lengths) and its
 * strings located; then one builder per class appends the fields in a
 * fixed order. Every value the event points to is in n->buf: strings
 * from the record (the ring buffer is mapped read-only and recycled after
 * the callback), strings from the process table (a later lookup in the
 * same record may recycle a table blob) and formatted numbers and
 * addresses. The buffer is reset per record, so nothing is allocated.
 *
 * Decisions where Sysmon for Linux and Sigma leave a choice:
 *  - Image is the real executable (the kernel's exe_file walked to the
 *    root of the mount namespace): symlinks resolved, a memfd exec shows
 *    as "/memfd:NAME (deleted)" and a deleted file with " (deleted)",
 *    both as /proc/PID/exe shows them.
 *  - CommandLine is argv joined with single spaces (Sysmon for Linux).
 *  - User is the effective user's name (the uid when it has none).
 *  - Initiated is "true"/"false" text (Sysmon); for an accepted connection
 *    the source is the remote peer (the initiator), the destination the
 *    local socket. IPv4-mapped IPv6 addresses are written as IPv4.
 *  - Paths given to unlink/rename/link are made absolute with their base
 *    directory (or chroot) and canonical: the directory part resolved
 *    through the dcache when it still can be, else cleaned lexically
 *    (upath.h).
 *  - An exit is applied to the process table only before the next record,
 *    so the exit event itself still sees its process.
 *
 * Not here: the kernel side (bpf/), detection and output (live.c).
 */
#include "normalize.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"
#include "route.h"
#include "detect.h"
#include "dns.h"
#include "gen_abi.h"
#include "normalize_int.h"
#include "proctab.h"
#include "upath.h"

static const struct {
	const char *name;
	uint32_t len;
} fields[_AG_NF_MAX] = {
#define AG_NORM_NAME(e, s) [AG_NF_##e] = {s, sizeof(s) - 1},
	AG_NORM_FIELDS(AG_NORM_NAME)
#undef AG_NORM_NAME
};

/* ---- values ---- */

/* Room for len bytes + NUL in the value buffer, or NULL. */
static char *reserve(struct ag_norm *n, size_t len)
{
	char *p;

	if (len + 1 > AG_NORM_BUF - n->len)
		return NULL;
	p = n->buf + n->len;
	n->len += len + 1;
	p[len] = '\0';
	return p;
}

/* Give back what reserve() took beyond used bytes (the last reservation only). */
static void shrink(struct ag_norm *n, char *p, size_t reserved, size_t used)
{
	if (p + reserved + 1 == n->buf + n->len) {
		n->len -= reserved - used;
		p[used] = '\0';
	}
}

static const char *copy(struct ag_norm *n, const char *s, size_t len)
{
	char *p = reserve(n, len);

	if (p && len)
		memcpy(p, s, len);
	return p;
}

void ag_norm_add(struct ag_norm *n, enum ag_norm_field f, const char *v, size_t len, uint32_t flags)
{
	if (!v) {
		n->ev.dropped++;
		return;
	}
	ag_event_add(&n->ev, fields[f].name, fields[f].len, v, (uint32_t)len, flags, n->id[f]);
}

/* A static string (not copied). */
void ag_norm_add_static(struct ag_norm *n, enum ag_norm_field f, const char *s)
{
	ag_norm_add(n, f, s, strlen(s), 0);
}

void ag_norm_add_copy(struct ag_norm *n, enum ag_norm_field f, const char *s, size_t len)
{
	ag_norm_add(n, f, copy(n, s, len), len, 0);
}

void ag_norm_add_num(struct ag_norm *n, enum ag_norm_field f, int64_t v)
{
	char tmp[24];
	int len = snprintf(tmp, sizeof(tmp), "%lld", (long long)v);

	ag_norm_add(n, f, copy(n, tmp, (size_t)len), (size_t)len, AG_V_NUMBER);
}

/* "2024-01-02 03:04:05.678" (Sysmon's UtcTime). */
static void add_time(struct ag_norm *n, uint64_t ns)
{
	char tmp[40];
	time_t s = (time_t)(ns / 1000000000ull);
	struct tm tm;
	int len;

	gmtime_r(&s, &tm);
	len = snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d %02d:%02d:%02d.%03u", tm.tm_year + 1900,
		       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		       (unsigned)(ns / 1000000ull % 1000));
	ag_norm_add(n, AG_NF_UTCTIME, copy(n, tmp, (size_t)len), (size_t)len, 0);
}

/* ---- users ---- */

static int64_t mono_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* The name of uid (its decimal form when it has none), copied into the value buffer. */
static const char *user_name(struct ag_norm *n, uint32_t uid, size_t *ret_len)
{
	struct ag_norm_user *u = &n->users[(uid * 2654435761u) % AG_NORM_USERS];
	int64_t now = mono_sec();
	struct passwd pw, *res = NULL;

	if (!u->at || u->uid != uid || now - u->at > AG_NORM_USER_TTL) {
		u->uid = uid;
		u->at = now ? now : 1;
		if (getpwuid_r(uid, &pw, n->pwbuf, n->pwlen, &res) == 0 && res &&
		    strlen(res->pw_name) < sizeof(u->name))
			u->len = (uint32_t)snprintf(u->name, sizeof(u->name), "%s", res->pw_name);
		else
			u->len = (uint32_t)snprintf(u->name, sizeof(u->name), "%u", uid);
	}
	*ret_len = u->len;
	return copy(n, u->name, u->len);
}

void ag_norm_add_user(struct ag_norm *n, enum ag_norm_field f, uint32_t uid)
{
	size_t len;
	const char *s = user_name(n, uid, &len);

	ag_norm_add(n, f, s, len, 0);
}

/* ---- processes ---- */

void ag_norm_proc_ctx(struct ag_norm *n, uint32_t pid, uint64_t start_ns, struct ag_norm_proc *ret)
{
	const struct ag_proc *p = ag_proctab_get(n->pt, pid, start_ns);
	const struct ag_pblob *b = p ? p->blob : NULL;

	memset(ret, 0, sizeof(*ret));
	if (!p)
		return;
	ret->known = true;
	ret->euid = p->euid;
	ret->ppid = p->ppid;
	if (!b)
		return;
	ret->ilen = b->image_len;
	ret->clen = b->cmd_len;
	ret->wlen = b->cwd_len;
	ret->image = copy(n, b->data, b->image_len);
	ret->cmd = copy(n, b->data + b->image_len, b->cmd_len);
	ret->cwd = copy(n, b->data + b->image_len + b->cmd_len, b->cwd_len);
}

/* The fields every class has about its process. */
void ag_norm_add_process(struct ag_norm *n, const struct ag_rec_hdr *h)
{
	struct ag_norm_proc pc, pp;

	ag_norm_proc_ctx(n, h->tgid, h->start_ns, &pc);
	if (!pc.known)
		n->st.no_process++;
	ag_norm_add_num(n, AG_NF_PROCESSID, h->tgid);
	if (pc.ilen)
		ag_norm_add(n, AG_NF_IMAGE, pc.image, pc.ilen, 0);
	if (pc.clen)
		ag_norm_add(n, AG_NF_COMMANDLINE, pc.cmd, pc.clen, 0);
	ag_norm_add_user(n, AG_NF_USER, h->euid);
	ag_norm_add_num(n, AG_NF_PARENTPROCESSID, pc.known ? pc.ppid : h->ppid);
	ag_norm_proc_ctx(n, pc.known ? pc.ppid : h->ppid, 0, &pp);
	if (pp.ilen)
		ag_norm_add(n, AG_NF_PARENTIMAGE, pp.image, pp.ilen, 0);
}

/* Start an event of category (static), also routed to also (static or NULL). */
void ag_norm_begin(struct ag_norm *n, const struct ag_rec_hdr *h, const char *category)
{
	const char *also = ag_route_linux_also(category);

	n->ev.product = "linux";
	n->ev.ls_static = true;
	n->ev.category[0] = category;
	n->ev.ncategory = 1;
	if (also)
		n->ev.category[n->ev.ncategory++] = also;
	n->ev.ts_ns = h->ts_ns + (uint64_t)n->boot_to_real_ns;
	n->ev.seq = ++n->seq;
	n->st.events++;
	add_time(n, n->ev.ts_ns);
}

/* ---- paths ---- */

/* A path from the kernel's dentry walk, as /proc shows it. */
const char *ag_norm_kpath(struct ag_norm *n, const char *s, uint32_t len, uint16_t flags,
			  size_t *ret_len)
{
	bool del = flags & (AG_S_PSEUDO | AG_S_DELETED);
	size_t out = len + (del ? 10 : 0);
	char *p = reserve(n, out);

	if (!p)
		return NULL;
	memcpy(p, s, len);
	if (del)
		memcpy(p + len, " (deleted)", 10);
	*ret_len = out;
	return p;
}

/*
 * A path given to a syscall (string i, its base string base: s1 or s3)
 * made absolute and canonical (upath.h): resolved as the kernel did for a
 * process in our mount namespace, else cleaned lexically. In a chroot
 * (the base of an absolute name is the root, AG_S_ROOT, or the first
 * nm->rootlen bytes of a relative name's base are) the path is taken
 * within the root: ".." and absolute symlinks stop there.
 */
static const char *upath(struct ag_norm *n, const struct ag_norm_strs *rs, int i, int base,
			 const struct ag_rec_names *nm, size_t *ret_len)
{
	const size_t rl = rs->n[i], bl = rs->n[base];
	const uint16_t bf = rs->f[base];
	const bool rel = rs->f[i] & AG_S_RELATIVE;
	const char *root = NULL;
	size_t rootl = 0, pl, len, cap;
	char *p, *out;
	long r;

	if (!rl)
		return NULL;
	if (!bl && (rel || (bf & AG_S_ROOT))) { /* base or root unknown: as given */
		*ret_len = rl;
		return copy(n, rs->p[i], rl);
	}
	if (rel) {
		rootl = nm->rootlen[base == 1 ? 0 : 1];
		if (rootl <= 1 || rootl > bl)
			rootl = 0;
	} else if (bf & AG_S_ROOT) {
		rootl = bl;
	}
	if (rootl)
		root = rs->p[base];
	/* p: the name below the root (when there is one), joined to its base when relative */
	pl = rel ? bl - rootl + 1 + rl : rl;
	cap = rootl + pl;
	p = reserve(n, cap);
	if (!p)
		return NULL;
	if (rel) {
		memcpy(p, rs->p[base] + rootl, bl - rootl);
		p[bl - rootl] = '/';
		memcpy(p + bl - rootl + 1, rs->p[i], rl);
	} else {
		memcpy(p, rs->p[i], rl);
	}
	if (n->mntns && nm->mntns == n->mntns && !((rs->f[i] | bf) & (AG_S_TRUNC | AG_S_DELETED)) &&
	    (out = reserve(n, AG_PATH_MAX + 1)) != NULL) {
		r = ag_upath_resolve(root, rootl, p, pl, out, AG_PATH_MAX + 1);
		if (r > 0) {
			n->st.paths_resolved++;
			shrink(n, out, AG_PATH_MAX + 1, (size_t)r);
			*ret_len = (size_t)r;
			return out;
		}
		n->len = (size_t)(out - n->buf); /* p is the last reservation again */
	}
	n->st.paths_lexical++;
	len = ag_upath_clean(p, pl);
	if (root) {
		/* below the root: ".." stopped at it, as in the kernel */
		memmove(p + rootl, p, len);
		memcpy(p, root, rootl);
		len = rootl + (len > 1 ? len : 0);
	}
	*ret_len = len;
	shrink(n, p, cap, len);
	return p;
}

/* ---- classes ---- */

static int on_exec(struct ag_norm *n, const struct ag_rec *r, const struct ag_norm_strs *rs)
{
	const struct ag_rec_hdr *h = &r->h;
	size_t ilen = 0, clen = rs->n[1], wlen = 0, i;
	const char *image = ag_norm_kpath(n, rs->p[0], rs->n[0], rs->f[0], &ilen);
	const char *cwd = ag_norm_kpath(n, rs->p[2], rs->n[2], rs->f[2], &wlen);
	char *cmd = reserve(n, clen);
	const struct ag_proc *cur;
	struct ag_norm_proc pp;
	uint32_t ppid;

	if (!image || !cwd || !cmd)
		return -EINVAL;
	/*
	 * argv: NUL-separated, the last one NUL-terminated: joined with spaces
	 * (a cut argv's head and tail too, see bpf/proc.bpf.c put_argv)
	 */
	memcpy(cmd, rs->p[1], clen);
	while (clen && !cmd[clen - 1])
		clen--;
	for (i = 0; i < clen; i++)
		if (!cmd[i])
			cmd[i] = ' ';
	if (!rs->n[0]) /* no exe_file: the name as given */
		image = copy(n, rs->p[3], ilen = rs->n[3]);
	/*
	 * The parent is the process that forked this one, as the fork record
	 * said: a process whose parent exited before it ran (a double fork,
	 * setsid, nohup &) has been given to init or a subreaper by now, and
	 * that would hide who started it.
	 */
	cur = ag_proctab_get(n->pt, h->tgid, h->start_ns);
	ppid = cur && !(cur->flags & AG_PROC_SEEDED) && cur->ppid ? cur->ppid : h->ppid;
	ag_proctab_exec(n->pt, h->tgid, ppid, h->start_ns, h->euid, image, ilen, cmd, clen, cwd,
			wlen);
	if (!(n->classes & AG_G_PROCESS))
		return 0;
	ag_norm_begin(n, h, "process_creation");
	ag_norm_add_num(n, AG_NF_PROCESSID, h->tgid);
	ag_norm_add(n, AG_NF_IMAGE, image, ilen, 0);
	ag_norm_add(n, AG_NF_COMMANDLINE, cmd, clen, 0);
	ag_norm_add(n, AG_NF_CURRENTDIRECTORY, cwd, wlen, 0);
	ag_norm_add_user(n, AG_NF_USER, h->euid);
	if (h->sessionid != (uint32_t)-1)
		ag_norm_add_num(n, AG_NF_LOGONID, h->sessionid);
	ag_norm_add_num(n, AG_NF_PARENTPROCESSID, ppid);
	ag_norm_proc_ctx(n, ppid, 0, &pp);
	if (pp.ilen)
		ag_norm_add(n, AG_NF_PARENTIMAGE, pp.image, pp.ilen, 0);
	if (pp.clen)
		ag_norm_add(n, AG_NF_PARENTCOMMANDLINE, pp.cmd, pp.clen, 0);
	if (pp.known)
		ag_norm_add_user(n, AG_NF_PARENTUSER, pp.euid);
	return 1;
}

static int on_proc_exit(struct ag_norm *n, const struct ag_rec *r)
{
	int32_t code = r->u.exit.code;

	n->exit_pending = true;
	n->exit_pid = r->h.tgid;
	n->exit_start = r->h.start_ns;
	if (!(n->classes & AG_G_PROCESS))
		return 0;
	ag_norm_begin(n, &r->h, "process_termination");
	ag_norm_add_process(n, &r->h);
	if (code & 0x7f) {
		ag_norm_add_num(n, AG_NF_EXITCODE, 128 + (code & 0x7f));
		ag_norm_add_num(n, AG_NF_SIGNAL, code & 0x7f);
	} else {
		ag_norm_add_num(n, AG_NF_EXITCODE, (code >> 8) & 0xff);
	}
	return 1;
}

/* An address as text: IPv4, IPv6, or IPv4-mapped IPv6 as IPv4. */
static void add_ip(struct ag_norm *n, enum ag_norm_field f, enum ag_norm_field f6, uint16_t family,
		   const uint8_t *a)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	char tmp[INET6_ADDRSTRLEN];
	bool v6 = family == 10;

	if (v6 && memcmp(a, mapped, 12) == 0) {
		v6 = false;
		a += 12;
	}
	if (!inet_ntop(v6 ? AF_INET6 : AF_INET, a, tmp, sizeof(tmp)))
		return;
	ag_norm_add_static(n, f6, v6 ? "true" : "false");
	ag_norm_add_copy(n, f, tmp, strlen(tmp));
}

static bool zero_addr(const uint8_t *a, uint16_t family)
{
	size_t i, len = family == 10 ? 16 : 4;

	for (i = 0; i < len; i++)
		if (a[i])
			return false;
	return true;
}

static const char *proto_name(uint16_t p)
{
	return p == 6 ? "tcp" : p == 17 ? "udp" : NULL;
}

static void add_proto(struct ag_norm *n, uint16_t p)
{
	const char *s = proto_name(p);

	if (s)
		ag_norm_add_static(n, AG_NF_PROTOCOL, s);
	else
		ag_norm_add_num(n, AG_NF_PROTOCOL, p);
}

static int on_net(struct ag_norm *n, const struct ag_rec *r)
{
	const struct ag_rec_net *t = &r->u.net;
	bool in = r->h.type == AG_REC_ACCEPT;
	const uint8_t *src = in ? t->daddr : t->saddr, *dst = in ? t->saddr : t->daddr;
	uint16_t sport = in ? t->dport : t->sport, dport = in ? t->sport : t->dport;

	if (!(n->classes & AG_G_NETWORK))
		return 0;
	ag_norm_begin(n, &r->h, "network_connection");
	ag_norm_add_process(n, &r->h);
	add_proto(n, t->proto);
	ag_norm_add_static(n, AG_NF_INITIATED, in ? "false" : "true");
	if (!zero_addr(src, t->family))
		add_ip(n, AG_NF_SOURCEIP, AG_NF_SOURCEISIPV6, t->family, src);
	if (sport)
		ag_norm_add_num(n, AG_NF_SOURCEPORT, sport);
	add_ip(n, AG_NF_DESTINATIONIP, AG_NF_DESTINATIONISIPV6, t->family, dst);
	ag_norm_add_num(n, AG_NF_DESTINATIONPORT, dport);
	return 1;
}

static int on_dns(struct ag_norm *n, const struct ag_rec *r, const struct ag_norm_strs *rs)
{
	const struct ag_rec_net *t = &r->u.net;
	char name[AG_DNS_NAME_MAX], name2[AG_DNS_NAME_MAX], types[64];
	size_t len = 0, len2 = 0, tl;
	uint16_t qt = 0, qt2 = 0;
	const char *tn;
	uint32_t skip = t->proto == 6 ? 2 : 0; /* DNS over TCP: a 2-byte length first */
	int i, ok = 0;

	if (!(n->classes & AG_G_DNS))
		return 0;
	for (i = 0; i < 2 && i < (int)t->nmsg; i++) {
		const uint8_t *m = (const uint8_t *)rs->p[i];
		char *nm = i ? name2 : name;

		if (rs->n[i] <= skip || ag_dns_question(m + skip, rs->n[i] - skip, nm, sizeof(name),
							i ? &len2 : &len, i ? &qt2 : &qt) < 0)
			break;
		ok++;
	}
	if (!ok) {
		n->st.dns_unparsed++;
		return 0;
	}
	tn = ag_dns_type_name(qt);
	tl = tn ? (size_t)snprintf(types, sizeof(types), "%s", tn)
		: (size_t)snprintf(types, sizeof(types), "%u", qt);
	/* glibc asks A and AAAA in one sendmmsg(): one event for the name */
	if (ok == 2 && len2 == len && memcmp(name, name2, len) == 0 && qt2 != qt) {
		tn = ag_dns_type_name(qt2);
		tl += tn ? (size_t)snprintf(types + tl, sizeof(types) - tl, ";%s", tn)
			 : (size_t)snprintf(types + tl, sizeof(types) - tl, ";%u", qt2);
	}
	ag_norm_begin(n, &r->h, "dns_query");
	ag_norm_add_process(n, &r->h);
	ag_norm_add_copy(n, AG_NF_QUERYNAME, name, len);
	ag_norm_add_copy(n, AG_NF_QUERYTYPE, types, tl < sizeof(types) ? tl : sizeof(types) - 1);
	add_proto(n, t->proto);
	add_ip(n, AG_NF_DESTINATIONIP, AG_NF_DESTINATIONISIPV6, t->family, t->daddr);
	ag_norm_add_num(n, AG_NF_DESTINATIONPORT, t->dport);
	return 1;
}

#define AG_RENAME_EXCHANGE (1u << 1) /* renameat2(): the two names swap their files */

/*
 * A file record's event. swap: a RENAME_EXCHANGE's second event, the file
 * that was at the new name, now at the old one.
 */
static int on_file(struct ag_norm *n, const struct ag_rec *r, const struct ag_norm_strs *rs,
		   bool swap)
{
	static const char *const cats[] = {
		[AG_REC_FILE_CREATE] = "file_event",
		[AG_REC_FILE_CHANGE] = "file_change",
		[AG_REC_FILE_DELETE] = "file_delete",
		[AG_REC_FILE_RENAME] = "file_rename",
		[AG_REC_FILE_LINK] = "file_event",
	};
	const char *path, *old = NULL;
	size_t len = 0, olen = 0;

	if (!(n->classes & AG_G_FILE))
		return 0;
	switch (r->h.type) {
	case AG_REC_FILE_CREATE:
	case AG_REC_FILE_CHANGE:
		path = ag_norm_kpath(n, rs->p[0], rs->n[0], rs->f[0], &len);
		break;
	case AG_REC_FILE_DELETE:
		path = upath(n, rs, 0, 1, &r->u.file.names, &len);
		break;
	case AG_REC_FILE_LINK:
		path = upath(n, rs, 2, 3, &r->u.link.names, &len);
		if (r->u.link.kind == AG_LINK_SYMBOLIC) /* the target, as it is stored */
			old = rs->n[0] ? copy(n, rs->p[0], olen = rs->n[0]) : NULL;
		else if (rs->n[0]) /* a hard link: the existing name */
			old = upath(n, rs, 0, 1, &r->u.link.names, &olen);
		else if (rs->n[1]) /* linkat(fd, "", AT_EMPTY_PATH): the fd's file */
			old = ag_norm_kpath(n, rs->p[1], rs->n[1], rs->f[1], &olen);
		break;
	default: /* rename */
		old = upath(n, rs, swap ? 2 : 0, swap ? 3 : 1, &r->u.file.names, &olen);
		path = upath(n, rs, swap ? 0 : 2, swap ? 1 : 3, &r->u.file.names, &len);
		n->again = !swap && (r->u.file.flags & AG_RENAME_EXCHANGE);
		break;
	}
	if (!path || !len)
		return -EINVAL;
	ag_norm_begin(n, &r->h, cats[r->h.type]);
	ag_norm_add_process(n, &r->h);
	if (old)
		ag_norm_add(n, AG_NF_SOURCEFILENAME, old, olen, 0);
	ag_norm_add(n, AG_NF_TARGETFILENAME, path, len, 0);
	return 1;
}

/* ---- the API ---- */

/*
 * Our mount namespace, when our root is its root (the kernel's paths are
 * then ours to open), else 0: names given to syscalls are not resolved.
 */
static uint32_t own_mntns(void)
{
	struct stat st;
	char root[2];

	if (readlink("/proc/self/root", root, sizeof(root)) != 1 || root[0] != '/' ||
	    stat("/proc/self/ns/mnt", &st) < 0)
		return 0;
	return (uint32_t)st.st_ino;
}

int ag_norm_init(struct ag_norm *n, const struct sgr_ruleset *rs, struct ag_proctab *pt,
		 uint32_t classes)
{
	long pw = sysconf(_SC_GETPW_R_SIZE_MAX);
	int i;

	memset(n, 0, sizeof(*n));
	n->rs = rs;
	n->pt = pt;
	n->classes = classes;
	for (i = 0; i < _AG_NF_MAX; i++)
		n->id[i] = ag_field_lookup(rs, fields[i].name, fields[i].len);
	n->pwlen = pw > 0 && pw < (1 << 20) ? (size_t)pw : 16384;
	n->buf = malloc(AG_NORM_BUF);
	n->pwbuf = malloc(n->pwlen);
	if (!n->buf || !n->pwbuf || ag_event_init(&n->ev, rs->nfields) < 0) {
		ag_norm_done(n);
		return -ENOMEM;
	}
	ag_norm_clock(n);
	n->mntns = own_mntns();
	return 0;
}

void ag_norm_done(struct ag_norm *n)
{
	ag_event_done(&n->ev);
	free(n->buf);
	free(n->pwbuf);
	n->buf = n->pwbuf = NULL;
}

void ag_norm_clock(struct ag_norm *n)
{
	struct timespec real, boot;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	n->boot_to_real_ns = ((int64_t)real.tv_sec - boot.tv_sec) * 1000000000ll +
			     ((int64_t)real.tv_nsec - boot.tv_nsec);
}

/* Check a record and locate its strings. */
static bool parse(const void *data, size_t size, const struct ag_rec **ret_r,
		  struct ag_norm_strs *rs)
{
	const struct ag_rec *r = data;
	size_t off = 0;
	int i;

	if (size < AG_REC_FIXED || r->h.size > size || r->h.size < AG_REC_FIXED || !r->h.type ||
	    r->h.type >= AG_REC_TYPE_MAX)
		return false;
	for (i = 0; i < AG_REC_NSTR; i++) {
		rs->p[i] = r->data + off;
		rs->n[i] = r->h.slen[i];
		rs->f[i] = r->h.sflag[i];
		off += r->h.slen[i];
	}
	if (off > r->h.size - AG_REC_FIXED)
		return false;
	*ret_r = r;
	return true;
}

int ag_norm_record(struct ag_norm *n, const void *data, size_t size)
{
	const struct ag_rec *r;
	struct ag_norm_strs rs;
	int i;

	if (n->exit_pending) {
		ag_proctab_exit(n->pt, n->exit_pid, n->exit_start);
		n->exit_pending = false;
	}
	ag_event_reset(&n->ev);
	n->len = 0;
	n->again = false;
	if (!parse(data, size, &r, &rs)) {
		n->st.malformed++;
		return -EINVAL;
	}
	n->st.records[r->h.type]++;
	for (i = 0; i < AG_REC_NSTR; i++)
		n->st.truncated += (rs.f[i] & AG_S_TRUNC) != 0;
	switch (r->h.type) {
	case AG_REC_EXEC:
		return on_exec(n, r, &rs);
	case AG_REC_FORK:
		ag_proctab_fork(n->pt, r->u.fork.child, r->u.fork.child_start, r->h.tgid,
				r->h.start_ns, r->h.euid);
		return 0;
	case AG_REC_EXIT:
		return on_proc_exit(n, r);
	case AG_REC_CONNECT:
	case AG_REC_ACCEPT:
	case AG_REC_UDP_SEND:
		return on_net(n, r);
	case AG_REC_DNS:
		return on_dns(n, r, &rs);
	case AG_REC_FILE_CREATE:
	case AG_REC_FILE_CHANGE:
	case AG_REC_FILE_DELETE:
	case AG_REC_FILE_RENAME:
	case AG_REC_FILE_LINK:
		n->rec = data;
		n->rec_size = size;
		return on_file(n, r, &rs, false);
	case AG_REC_PTRACE:
		return ag_norm_on_ptrace(n, r);
	case AG_REC_SETID:
		return ag_norm_on_setid(n, r);
	case AG_REC_MEMFD:
		return ag_norm_on_memfd(n, r, &rs);
	case AG_REC_BPF:
		return ag_norm_on_bpf(n, r, &rs);
	case AG_REC_MODULE:
		return ag_norm_on_module(n, r, &rs);
	}
	n->st.malformed++;
	return -EINVAL;
}

int ag_norm_again(struct ag_norm *n)
{
	const struct ag_rec *r;
	struct ag_norm_strs rs;

	if (!n->again)
		return 0;
	n->again = false;
	ag_event_reset(&n->ev);
	n->len = 0;
	if (!parse(n->rec, n->rec_size, &r, &rs))
		return 0;
	return on_file(n, r, &rs, true);
}
