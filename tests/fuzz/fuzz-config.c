// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the agent's configuration loader (runtime/config.c) on
 * arbitrary bytes, through a memfd named by its /proc/self/fd path (the
 * loader reads a file by path, as the agent does). The first input byte
 * picks the command whose defaults the file overrides (run or replay).
 * Checks the loader's promises: an error always comes with a message that
 * names the file, success with none, and the settings it leaves can be
 * freed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ag_config cfg;
	char path[64], err[1024];
	int fd, r;

	if (size < 1)
		return 0;
	fd = memfd_create("fuzz-config.yml", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size > 1 && write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
		goto out;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (ag_config_init(&cfg, data[0] & 1 ? AG_CONFIG_RUN : AG_CONFIG_REPLAY))
		goto out;
	r = ag_config_load(&cfg, path, err, sizeof(err));
	if (r < 0 && (!err[0] || !strstr(err, path)))
		abort(); /* a refusal must say where */
	if (r == 0 && err[0])
		abort(); /* an accepted file leaves no message */
	if (!memchr(err, 0, sizeof(err)))
		abort();
	ag_config_done(&cfg);
out:
	close(fd);
	return 0;
}
