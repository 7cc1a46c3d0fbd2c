// SPDX-License-Identifier: Apache-2.0
/*
 * The classes of single syscalls (normalize.h): ptrace (also routed as
 * process_access), set*id, memfd_create, bpf(BPF_PROG_LOAD), kernel
 * module loads (also routed as driver_load).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "collector.h"
#include "normalize_int.h"

static const char *ptrace_name(int64_t req)
{
	switch (req) {
	case 0:
		return "PTRACE_TRACEME";
	case 4:
		return "PTRACE_POKETEXT";
	case 5:
		return "PTRACE_POKEDATA";
	case 6:
		return "PTRACE_POKEUSER";
	case 13:
		return "PTRACE_SETREGS";
	case 16:
		return "PTRACE_ATTACH";
	case 0x4206:
		return "PTRACE_SEIZE";
	}
	return NULL;
}

int ag_norm_on_ptrace(struct ag_norm *n, const struct ag_rec *r)
{
	const struct ag_rec_ptrace *t = &r->u.ptrace;
	const char *req = ptrace_name(t->request);
	const struct ag_kv *img;
	struct ag_norm_proc tc;

	if (!(n->classes & AG_G_PTRACE))
		return 0;
	ag_norm_begin(n, &r->h, "ptrace");
	ag_norm_add_process(n, &r->h);
	ag_norm_add_num(n, AG_NF_SOURCEPROCESSID, r->h.tgid);
	img = ag_event_get(&n->ev, n->id[AG_NF_IMAGE]);
	if (img)
		ag_norm_add(n, AG_NF_SOURCEIMAGE, img->val, img->val_len, 0);
	ag_norm_add_user(n, AG_NF_SOURCEUSER, r->h.euid);
	/* PTRACE_TRACEME: the tracer is the parent */
	if (t->request == 0) {
		ag_norm_add_num(n, AG_NF_TARGETPROCESSID, r->h.tgid);
	} else {
		ag_norm_add_num(n, AG_NF_TARGETPROCESSID, t->target);
		ag_norm_proc_ctx(n, t->target, 0, &tc);
		if (tc.ilen)
			ag_norm_add(n, AG_NF_TARGETIMAGE, tc.image, tc.ilen, 0);
		if (tc.known)
			ag_norm_add_user(n, AG_NF_TARGETUSER, tc.euid);
	}
	if (req)
		ag_norm_add_static(n, AG_NF_PTRACEREQUEST, req);
	else
		ag_norm_add_num(n, AG_NF_PTRACEREQUEST, t->request);
	ag_norm_add_num(n, AG_NF_RETURNCODE, t->ret);
	return 1;
}

int ag_norm_on_setid(struct ag_norm *n, const struct ag_rec *r)
{
	static const char *const names[] = {
		[AG_SETUID] = "setuid",	      [AG_SETGID] = "setgid",
		[AG_SETREUID] = "setreuid",   [AG_SETREGID] = "setregid",
		[AG_SETRESUID] = "setresuid", [AG_SETRESGID] = "setresgid",
		[AG_SETFSUID] = "setfsuid",   [AG_SETFSGID] = "setfsgid",
	};
	const struct ag_rec_setid *t = &r->u.setid;
	bool gid = t->nr == AG_SETGID || t->nr == AG_SETREGID || t->nr == AG_SETRESGID ||
		   t->nr == AG_SETFSGID;
	uint32_t id;

	if (!(n->classes & AG_G_SETID))
		return 0;
	if (!t->nr || t->nr >= sizeof(names) / sizeof(names[0]))
		return -EINVAL;
	/* the effective id asked for: setre*id(r, e) and setres*id(r, e, s) give it second */
	id = t->arg[0];
	if ((t->nr == AG_SETREUID || t->nr == AG_SETREGID || t->nr == AG_SETRESUID ||
	     t->nr == AG_SETRESGID) &&
	    t->arg[1] != (uint32_t)-1)
		id = t->arg[1];
	ag_norm_begin(n, &r->h, "setid");
	ag_norm_add_process(n, &r->h);
	ag_norm_add_static(n, AG_NF_SYSCALL, names[t->nr]);
	if (id != (uint32_t)-1) {
		ag_norm_add_num(n, gid ? AG_NF_TARGETGID : AG_NF_TARGETUID, id);
		if (!gid)
			ag_norm_add_user(n, AG_NF_TARGETUSER, id);
	}
	ag_norm_add_num(n, AG_NF_RETURNCODE, t->ret);
	return 1;
}

int ag_norm_on_memfd(struct ag_norm *n, const struct ag_rec *r, const struct ag_norm_strs *rs)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} mfd[] = {{1, "MFD_CLOEXEC"},
		   {2, "MFD_ALLOW_SEALING"},
		   {4, "MFD_HUGETLB"},
		   {8, "MFD_NOEXEC_SEAL"},
		   {16, "MFD_EXEC"}};
	char flags[128];
	size_t fl = 0, i;

	if (!(n->classes & AG_G_MEMFD))
		return 0;
	flags[0] = '\0';
	for (i = 0; i < sizeof(mfd) / sizeof(mfd[0]); i++)
		if (r->u.memfd.flags & mfd[i].bit)
			fl += (size_t)snprintf(flags + fl, sizeof(flags) - fl, "%s%s",
					       fl ? "|" : "", mfd[i].name);
	ag_norm_begin(n, &r->h, "memfd_create");
	ag_norm_add_process(n, &r->h);
	ag_norm_add_copy(n, AG_NF_MEMFDNAME, rs->p[0], rs->n[0]);
	if (fl)
		ag_norm_add_copy(n, AG_NF_MEMFDFLAGS, flags, fl);
	ag_norm_add_num(n, AG_NF_RETURNCODE, r->u.memfd.ret);
	return 1;
}

int ag_norm_on_bpf(struct ag_norm *n, const struct ag_rec *r, const struct ag_norm_strs *rs)
{
	static const char *const types[] = {
		"unspec",
		"socket_filter",
		"kprobe",
		"sched_cls",
		"sched_act",
		"tracepoint",
		"xdp",
		"perf_event",
		"cgroup_skb",
		"cgroup_sock",
		"lwt_in",
		"lwt_out",
		"lwt_xmit",
		"sock_ops",
		"sk_skb",
		"cgroup_device",
		"sk_msg",
		"raw_tracepoint",
		"cgroup_sock_addr",
		"lwt_seg6local",
		"lirc_mode2",
		"sk_reuseport",
		"flow_dissector",
		"cgroup_sysctl",
		"raw_tracepoint_writable",
		"cgroup_sockopt",
		"tracing",
		"struct_ops",
		"ext",
		"lsm",
		"sk_lookup",
		"syscall",
		"netfilter",
	};
	uint32_t pt = r->u.bpf.prog_type;
	size_t len = strnlen(rs->p[0], rs->n[0]);

	if (!(n->classes & AG_G_BPF))
		return 0;
	ag_norm_begin(n, &r->h, "bpf_load");
	ag_norm_add_process(n, &r->h);
	if (pt < sizeof(types) / sizeof(types[0]))
		ag_norm_add_static(n, AG_NF_PROGRAMTYPE, types[pt]);
	else
		ag_norm_add_num(n, AG_NF_PROGRAMTYPE, pt);
	if (len)
		ag_norm_add_copy(n, AG_NF_PROGRAMNAME, rs->p[0], len);
	ag_norm_add_num(n, AG_NF_INSTRUCTIONCOUNT, r->u.bpf.insn_cnt);
	ag_norm_add_num(n, AG_NF_RETURNCODE, r->u.bpf.ret);
	return 1;
}

int ag_norm_on_module(struct ag_norm *n, const struct ag_rec *r, const struct ag_norm_strs *rs)
{
	size_t len = 0;
	const char *path = rs->n[0] ? ag_norm_kpath(n, rs->p[0], rs->n[0], rs->f[0], &len) : NULL;

	if (!(n->classes & AG_G_MODULE))
		return 0;
	ag_norm_begin(n, &r->h, "module_load");
	ag_norm_add_process(n, &r->h);
	if (path)
		ag_norm_add(n, AG_NF_IMAGELOADED, path, len, 0);
	ag_norm_add_num(n, AG_NF_RETURNCODE, r->u.module.ret);
	return 1;
}
