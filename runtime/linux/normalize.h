/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Live records (bpf/events.h) to normalised events (include/agent/event.h):
 * Sigma's Linux field names and categories, product "linux", the process
 * and its parent from the process table, user names, canonical paths,
 * DNS questions. The same struct ag_event that replay fills, with field
 * ids from the rule set, so detection and alerts run the same code.
 *
 * Categories and fields (every class also has UtcTime, ProcessId, Image,
 * CommandLine, User, ParentProcessId, ParentImage):
 *   process_creation    CurrentDirectory, LogonId, ParentCommandLine, ParentUser
 *   process_termination ExitCode (Signal when killed)
 *   network_connection  Protocol, Initiated, Source/DestinationIsIpv6, -Ip, -Port
 *   dns_query           QueryName, QueryType, Protocol, DestinationIp, DestinationPort
 *   file_event, file_change, file_delete   TargetFilename
 *   file_rename         SourceFilename (old), TargetFilename (new); an exchange
 *                       (RENAME_EXCHANGE) is two events, one per file
 *   ptrace              (also process_access) SourceProcessId, SourceImage, SourceUser,
 *                       TargetProcessId, TargetImage, TargetUser, PtraceRequest, ReturnCode
 *   setid               (set*id calls) Syscall, TargetUid or TargetGid, TargetUser, ReturnCode
 *   memfd_create        MemfdName, MemfdFlags, ReturnCode
 *   bpf_load            (BPF_PROG_LOAD) ProgramType, ProgramName, InstructionCount, ReturnCode
 *   module_load         (also driver_load; kernel modules) ImageLoaded, ReturnCode
 * A capture (capture.h) records the first category only; replay adds the
 * second back (ag_route_linux_also(), route.h).
 *
 * Memory: the event's values point into the normaliser's own buffer
 * (allocated once), valid until the next ag_norm_record() call; nothing is
 * allocated per record.
 */
#ifndef AG_LINUX_NORMALIZE_H
#define AG_LINUX_NORMALIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "events.h"

struct ag_proctab;
struct sgr_ruleset;

/* Field names the normaliser writes, in the order events list them. */
#define AG_NORM_FIELDS(F)                                                                          \
	F(UTCTIME, "UtcTime")                                                                      \
	F(PROCESSID, "ProcessId")                                                                  \
	F(IMAGE, "Image")                                                                          \
	F(COMMANDLINE, "CommandLine")                                                              \
	F(CURRENTDIRECTORY, "CurrentDirectory")                                                    \
	F(USER, "User")                                                                            \
	F(LOGONID, "LogonId")                                                                      \
	F(PARENTPROCESSID, "ParentProcessId")                                                      \
	F(PARENTIMAGE, "ParentImage")                                                              \
	F(PARENTCOMMANDLINE, "ParentCommandLine")                                                  \
	F(PARENTUSER, "ParentUser")                                                                \
	F(EXITCODE, "ExitCode")                                                                    \
	F(SIGNAL, "Signal")                                                                        \
	F(PROTOCOL, "Protocol")                                                                    \
	F(INITIATED, "Initiated")                                                                  \
	F(SOURCEISIPV6, "SourceIsIpv6")                                                            \
	F(SOURCEIP, "SourceIp")                                                                    \
	F(SOURCEPORT, "SourcePort")                                                                \
	F(DESTINATIONISIPV6, "DestinationIsIpv6")                                                  \
	F(DESTINATIONIP, "DestinationIp")                                                          \
	F(DESTINATIONPORT, "DestinationPort")                                                      \
	F(QUERYNAME, "QueryName")                                                                  \
	F(QUERYTYPE, "QueryType")                                                                  \
	F(SOURCEFILENAME, "SourceFilename")                                                        \
	F(TARGETFILENAME, "TargetFilename")                                                        \
	F(SOURCEPROCESSID, "SourceProcessId")                                                      \
	F(SOURCEIMAGE, "SourceImage")                                                              \
	F(SOURCEUSER, "SourceUser")                                                                \
	F(TARGETPROCESSID, "TargetProcessId")                                                      \
	F(TARGETIMAGE, "TargetImage")                                                              \
	F(TARGETUSER, "TargetUser")                                                                \
	F(PTRACEREQUEST, "PtraceRequest")                                                          \
	F(SYSCALL, "Syscall")                                                                      \
	F(TARGETUID, "TargetUid")                                                                  \
	F(TARGETGID, "TargetGid")                                                                  \
	F(MEMFDNAME, "MemfdName")                                                                  \
	F(MEMFDFLAGS, "MemfdFlags")                                                                \
	F(PROGRAMTYPE, "ProgramType")                                                              \
	F(PROGRAMNAME, "ProgramName")                                                              \
	F(INSTRUCTIONCOUNT, "InstructionCount")                                                    \
	F(IMAGELOADED, "ImageLoaded")                                                              \
	F(RETURNCODE, "ReturnCode")

enum ag_norm_field {
#define AG_NORM_ENUM(e, name) AG_NF_##e,
	AG_NORM_FIELDS(AG_NORM_ENUM)
#undef AG_NORM_ENUM
		_AG_NF_MAX,
};

/* Bytes of formatted values per event (the largest record's strings fit many times). */
#define AG_NORM_BUF (128u * 1024)

/* Cached user names (uid -> name), refreshed after AG_NORM_USER_TTL seconds. */
#define AG_NORM_USERS	 256
#define AG_NORM_USER_TTL 60

struct ag_norm_user {
	uint32_t uid;
	uint32_t len;
	int64_t at; /* CLOCK_MONOTONIC seconds when looked up; 0: empty */
	char name[64];
};

struct ag_norm_stats {
	uint64_t records[AG_REC_TYPE_MAX]; /* received, by type */
	uint64_t events;		   /* events produced */
	uint64_t malformed;		   /* records rejected (size, type, string lengths) */
	uint64_t dns_unparsed;		   /* port-53 payloads that were no DNS query */
	uint64_t no_process;		   /* events whose process was unknown */
	uint64_t truncated;		   /* strings the kernel cut */
	uint64_t paths_resolved;	   /* names given to syscalls resolved (upath.h) */
	uint64_t paths_lexical;		   /* names only cleaned lexically */
};

struct ag_norm {
	const struct sgr_ruleset *rs;
	struct ag_proctab *pt;
	uint32_t classes;	 /* enum ag_coll_group bits to produce events for */
	uint32_t mntns;		 /* our mount namespace: paths of its processes are resolved (0: none) */
	uint32_t id[_AG_NF_MAX]; /* field ids in the rule set */
	struct ag_event ev;
	char *buf; /* AG_NORM_BUF bytes of values */
	size_t len;
	int64_t boot_to_real_ns; /* CLOCK_REALTIME - CLOCK_BOOTTIME */
	uint64_t seq;		 /* events produced so far */
	bool exit_pending;	 /* apply an exit before the next record */
	bool again;		 /* the record gives one more event (ag_norm_again) */
	const void *rec;	 /* the last file record (borrowed, for ag_norm_again) */
	size_t rec_size;
	uint32_t exit_pid;
	uint64_t exit_start;
	struct ag_norm_user users[AG_NORM_USERS];
	char *pwbuf; /* getpwuid_r() scratch */
	size_t pwlen;
	struct ag_norm_stats st;
};

/*
 * Prepare a normaliser for rule set rs over process table pt (borrowed,
 * must outlive it); classes selects what becomes an event. Returns 0 or
 * -ENOMEM.
 */
int ag_norm_init(struct ag_norm *n, const struct sgr_ruleset *rs, struct ag_proctab *pt,
		 uint32_t classes);
void ag_norm_done(struct ag_norm *n);

/* Re-read the offset between the boot clock (the kernel's stamps) and the wall clock. */
void ag_norm_clock(struct ag_norm *n);

/*
 * Take one ring-buffer record (borrowed, size bytes). Returns 1 when n->ev
 * holds an event (valid until the next call), 0 when the record only
 * updated the process table or its class is switched off, -EINVAL when it
 * is malformed (counted).
 */
int ag_norm_record(struct ag_norm *n, const void *data, size_t size);

/*
 * After ag_norm_record() (its record still valid): 1 when that record gives
 * one more event, now in n->ev (a renameat2(RENAME_EXCHANGE) moves two
 * files: the second event is the file that was at the new name, now at the
 * old one), else 0.
 */
int ag_norm_again(struct ag_norm *n);

/* The Sigma category of an event produced (a static string). */
static inline const char *ag_norm_category(const struct ag_norm *n)
{
	return n->ev.ncategory ? n->ev.category[0] : "";
}

#endif /* AG_LINUX_NORMALIZE_H */
