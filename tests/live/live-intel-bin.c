// SPDX-License-Identifier: Apache-2.0
/*
 * live-intel-bin: the executables of the live IOC/YARA test (run-live.py
 * live-intel). Built twice: with -DSGL_YARA_MARKER the binary carries the
 * string the test YARA rule (tests/yara/rules/test.yar) looks for; without
 * it, it carries none, and the build writes its SHA256 into a hash feed
 * (hashes-live.txt) the live intel agent is compiled with. Runs for the
 * given milliseconds (default 300), so the agent finds it in /proc.
 *
 *   live-yara-bin [MS [CLEAN]]   with CLEAN: first rename CLEAN over its own
 *                                path (argv[0]), so the file at that path is
 *                                no longer the one executed
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef SGL_YARA_MARKER
/* volatile: kept in the binary whatever the optimiser thinks */
const volatile char sgl_marker[] = "SIGMAC_YARA_TEST_MARKER_"
				   "7f3a";
#endif

int main(int argc, char **argv)
{
	long ms = argc > 1 ? atol(argv[1]) : 300;
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

#ifdef SGL_YARA_MARKER
	if (sgl_marker[0] != 'S')
		return 1;
#endif
	if (argc > 2 && rename(argv[2], argv[0]) < 0) {
		perror("rename");
		return 1;
	}
	nanosleep(&ts, NULL);
	return 0;
}
