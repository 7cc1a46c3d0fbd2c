/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The records the eBPF collectors (bpf/NAME.bpf.c) send to the agent
 * (runtime/linux/) through one ring buffer, and the counters they keep.
 * Shared by both sides: fixed-width types only, no pointers, sizes stated
 * (STYLE.md rule 38). The BPF side gets its types from vmlinux.h, user
 * space from <linux/types.h>.
 *
 * Every record is one struct ag_rec cut after its strings: a header (the
 * acting task), a per-type fixed part, then up to AG_REC_NSTR strings packed
 * one after the other in data[] (string i has slen[i] bytes, not
 * NUL-terminated, and starts where string i - 1 ends). Only the used bytes
 * are sent: hdr.size = offsetof(data) + the sum of slen[].
 *
 * Not here: what the fields mean to rules (runtime/linux/norm.c).
 */
#ifndef AG_BPF_EVENTS_H
#define AG_BPF_EVENTS_H

#ifndef __VMLINUX_H__ /* BPF side: types come from vmlinux.h */
#include <linux/types.h>
#endif

/* Changes whenever a struct or enum below changes. */
#define AG_REC_ABI 5

/*
 * Telemetry classes a user can switch off (runtime/linux/live.c maps the
 * names of live.collect); the programs get the chosen ones in ag_groups.
 */
enum ag_coll_group {
	AG_G_PROCESS = 1u << 0, /* exec, exit (fork, exec, exit always load: the process table) */
	AG_G_NETWORK = 1u << 1, /* connect, accept, UDP destinations */
	AG_G_DNS = 1u << 2,	/* queries sent to port 53 */
	AG_G_FILE = 1u << 3,	/* create, change, delete, rename */
	AG_G_PTRACE = 1u << 4,
	AG_G_SETID = 1u << 5,
	AG_G_MEMFD = 1u << 6,
	AG_G_BPF = 1u << 7,
	AG_G_MODULE = 1u << 8,
	AG_G_ALL = (1u << 9) - 1,
	/* not in "all": the 32-bit syscalls of the groups above (live.ia32_syscalls) */
	AG_G_IA32 = 1u << 9,
};

/* Strings per record, and the bytes of string data one record can carry. */
#define AG_REC_NSTR 4
#define AG_REC_DATA 16384
/* Each string starts below AG_REC_HALF and is shorter than AG_REC_HALF. */
#define AG_REC_HALF (AG_REC_DATA / 2)
/* Longest path sent (the kernel's PATH_MAX, less the NUL). */
#define AG_PATH_MAX 4095
/*
 * Longest argv area sent; a longer one (or one that does not fit after the
 * executable's path) is sent as its head and its tail with a NUL between.
 */
#define AG_ARGS_MAX (AG_REC_HALF - 1)
/* Bytes of a DNS message sent (two messages fit). */
#define AG_DNS_MAX 512
/*
 * The stash (bpf/stash.bpf.h): records kept from sys_enter to sys_exit,
 * in two LRU maps user space creates once for every object: small
 * entries hold AG_STASH_SMALL bytes of strings, full ones a whole record.
 */
#define AG_STASH_SMALL 512
#define AG_STASH_SMALL_MAX 2048
#define AG_STASH_FULL_MAX 128

enum ag_rec_type {
	AG_REC_EXEC = 1,    /* s0 exe path, s1 argv (NUL-separated), s2 cwd, s3 exec filename */
	AG_REC_FORK,	    /* u.fork: the new process; the header is the parent */
	AG_REC_EXIT,	    /* u.exit */
	AG_REC_CONNECT,	    /* u.net: an outbound connect (ret 0 or -EINPROGRESS) */
	AG_REC_ACCEPT,	    /* u.net: an inbound connection accepted */
	AG_REC_UDP_SEND,    /* u.net: first datagram of a socket to a new destination */
	AG_REC_DNS,	    /* u.net; s0, s1: DNS messages (payload) sent to port 53 */
	AG_REC_FILE_CREATE, /* u.file; s0 path: a regular file created or truncated */
	AG_REC_FILE_CHANGE, /* u.file; s0 path: a file open for writing was closed */
	AG_REC_FILE_DELETE, /* u.file; s0 path, s1 its base (the cwd or dirfd; root: AG_S_ROOT) */
	AG_REC_FILE_RENAME, /* u.file; s0 old path, s1 its base, s2 new path, s3 its base */
	AG_REC_PTRACE,	    /* u.ptrace */
	AG_REC_SETID,	    /* u.setid */
	AG_REC_MEMFD,	    /* u.memfd; s0 name */
	AG_REC_BPF,	    /* u.bpf; s0 program name */
	AG_REC_MODULE,	    /* u.module; s0 module path (finit_module) or "" */
	AG_REC_FILE_LINK,   /* u.link; s0 source, s1 its base, s2 the new name, s3 its base */
	AG_REC_TYPE_MAX,
};

/* Per-string flags (hdr.sflag[i]). */
enum ag_str_flags {
	AG_S_TRUNC = 1u << 0,	 /* cut: longer than what was sent */
	AG_S_PSEUDO = 1u << 1,	 /* a path outside any mount tree (memfd:, pipe:, anon_inode:) */
	AG_S_DELETED = 1u << 2,	 /* the path's dentry is unlinked */
	AG_S_RELATIVE = 1u << 3, /* a path as the process gave it, not starting with '/' */
	AG_S_FAULT = 1u << 4,	 /* could not be read */
	/*
	 * A syscall argument that read otherwise at sys_exit than at sys_enter
	 * (another thread changed it, or it was not paged in at first): the
	 * record is sent twice, with each reading, both flagged.
	 */
	AG_S_RACED = 1u << 5,
	/*
	 * The base string of an absolute name (delete, rename, link): the
	 * process's root directory, sent when it is not the root of its
	 * mount namespace (chroot), since the name is relative to it.
	 */
	AG_S_ROOT = 1u << 6,
};

/*
 * The counters (a per-CPU array; user space sums the CPUs). Each record
 * type t counts emitted records at AG_STAT_EMIT + t and records lost
 * because the ring buffer was full at AG_STAT_DROP + t.
 */
enum ag_stat {
	AG_STAT_EMIT = 0,
	AG_STAT_DROP = AG_STAT_EMIT + AG_REC_TYPE_MAX,
	AG_STAT_PENDING_FULL = AG_STAT_DROP + AG_REC_TYPE_MAX, /* enter/exit stash full */
	AG_STAT_PATH_TRUNC, /* paths cut (too deep or too long) */
	AG_STAT_TREE_FULL,  /* --pid-tree map full: a process was not followed */
	AG_STAT_RACED,	    /* path records whose argument changed during the syscall */
	AG_STAT_MAX,
};

struct ag_rec_hdr {
	__u16 type; /* enum ag_rec_type */
	__u16 _pad0;
	__u32 size;	 /* bytes of the record */
	__u64 ts_ns;	 /* CLOCK_BOOTTIME */
	__u64 start_ns;	 /* start (CLOCK_BOOTTIME) of the process: tells reused pids apart */
	__u32 tgid;	 /* process id */
	__u32 tid;	 /* thread id */
	__u32 ppid;	 /* real parent's process id */
	__u32 uid;	 /* real uid */
	__u32 gid;	 /* real gid */
	__u32 euid;	 /* effective uid */
	__u32 auid;	 /* login uid (audit), (__u32)-1 if unset */
	__u32 sessionid; /* audit session, (__u32)-1 if unset */
	char comm[16];	 /* task name */
	__u16 slen[AG_REC_NSTR];  /* bytes of each string in data[] */
	__u16 sflag[AG_REC_NSTR]; /* enum ag_str_flags */
};

struct ag_rec_exec {
	__u32 args_size; /* bytes of the whole argv area (more than sent: cut) */
	__u32 _pad;
};

struct ag_rec_fork {
	__u32 child; /* the new process's id */
	__u32 _pad;
	__u64 child_start; /* its start time (CLOCK_BOOTTIME) */
};

struct ag_rec_exit {
	__s32 code; /* wait status: code >> 8 exit status, code & 0x7f signal */
	__u32 _pad;
};

struct ag_rec_net {
	__u16 family;	/* AF_INET or AF_INET6 */
	__u16 proto;	/* IPPROTO_TCP, IPPROTO_UDP */
	__u16 sport;	/* local port, host order (0 if not bound yet) */
	__u16 dport;	/* remote port, host order */
	__s32 ret;	/* syscall result (connect) or messages sent (DNS sendmmsg) */
	__u32 nmsg;	/* DNS: messages in s0.. (1 or 2) */
	__u8 saddr[16]; /* local address (IPv4 in the first 4 bytes) */
	__u8 daddr[16]; /* remote address */
};

/*
 * Where the names a process gives to a path syscall live (delete, rename,
 * link): its mount namespace, and for the base directory of each relative
 * name (s1, s3), the bytes of it that are the process's root directory
 * when the process is chrooted and the base lies below its root (0
 * otherwise): ".." and absolute symlinks stop there.
 */
struct ag_rec_names {
	__u32 mntns;	  /* inode number, as /proc/PID/ns/mnt shows it */
	__u16 rootlen[2]; /* of s1, of s3 */
};

struct ag_rec_file {
	__s32 dfd;   /* directory fd of a relative path (-100: the cwd) */
	__u32 flags; /* open flags, unlinkat/renameat2 flags */
	__u32 mode;  /* inode mode (create, change) */
	__u32 fmode; /* the open file's f_mode (create, change): FMODE_CREATED 0x100000 */
	struct ag_rec_names names; /* delete, rename */
};

/*
 * A new name for a file (AG_REC_FILE_LINK): link/linkat (s0 the existing
 * file; empty with AT_EMPTY_PATH, when s1 is the path of the fd, as for an
 * O_TMPFILE file), symlink/symlinkat (s0 the target as given, never joined
 * to a base), mknod/mknodat of a regular file (s0 empty), or an io_uring
 * open that may create or truncate a file (s0 empty; flags and mode are
 * the open's: sent when the request is submitted, file.bpf.c).
 */
enum ag_link_kind {
	AG_LINK_HARD = 1,
	AG_LINK_SYMBOLIC,
	AG_LINK_MKNOD,
	AG_LINK_OPEN,
};

struct ag_rec_link {
	__u32 kind;  /* enum ag_link_kind */
	__u32 flags; /* linkat flags (AT_SYMLINK_FOLLOW, AT_EMPTY_PATH) */
	__u32 mode;  /* mknod mode, open mode */
	__u32 slot;  /* an io_uring open into a direct descriptor (AG_LINK_OPEN): its slot + 1 */
	struct ag_rec_names names; /* at the same offset as in struct ag_rec_file */
};

struct ag_rec_ptrace {
	__s64 request; /* PTRACE_* */
	__u32 target;  /* target process (thread) id */
	__s32 ret;     /* result */
};

struct ag_rec_setid {
	__u32 nr;     /* enum ag_setid_call */
	__s32 ret;    /* result */
	__u32 arg[3]; /* the ids asked for ((__u32)-1: unchanged) */
	__u32 _pad;
};

enum ag_setid_call {
	AG_SETUID = 1,
	AG_SETGID,
	AG_SETREUID,
	AG_SETREGID,
	AG_SETRESUID,
	AG_SETRESGID,
	AG_SETFSUID,
	AG_SETFSGID,
};

struct ag_rec_memfd {
	__u32 flags; /* MFD_* */
	__s32 ret;   /* the new fd */
};

struct ag_rec_bpf {
	__u32 cmd;	 /* BPF_PROG_LOAD */
	__u32 prog_type; /* enum bpf_prog_type */
	__s32 ret;	 /* new program fd, or -errno */
	__u32 insn_cnt;
};

struct ag_rec_module {
	__s32 fd; /* finit_module's fd (-1: init_module from memory) */
	__u32 flags;
	__s32 ret;
	__u32 _pad;
};

struct ag_rec {
	struct ag_rec_hdr h;
	union {
		struct ag_rec_exec exec;
		struct ag_rec_fork fork;
		struct ag_rec_exit exit;
		struct ag_rec_net net;
		struct ag_rec_file file;
		struct ag_rec_link link;
		struct ag_rec_ptrace ptrace;
		struct ag_rec_setid setid;
		struct ag_rec_memfd memfd;
		struct ag_rec_bpf bpf;
		struct ag_rec_module module;
		__u8 _size[48];
	} u;
	char data[AG_REC_DATA];
};

/* Bytes before data[] (the smallest record). */
#define AG_REC_FIXED 136

_Static_assert(sizeof(struct ag_rec_hdr) == 88, "ag_rec_hdr layout");
_Static_assert(sizeof(struct ag_rec_net) == 48, "ag_rec_net layout");
_Static_assert(sizeof(struct ag_rec) == AG_REC_FIXED + AG_REC_DATA, "ag_rec layout");
_Static_assert(AG_STAT_MAX <= 64, "counters fit the stats map");

#endif /* AG_BPF_EVENTS_H */
