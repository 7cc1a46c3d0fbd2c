// SPDX-License-Identifier: Apache-2.0
/*
 * The empty IOC/YARA tables, for agents linked without a generated
 * sgr_intel.c (test agents built from rules only). Alone in its object
 * file: the archive member is pulled only when nothing else defines
 * sgr_intel, and the definition is weak besides.
 */
#include "gen_abi.h"

__attribute__((weak)) const struct sgr_intel sgr_intel = {
	.abi_version = SGR_ABI_VERSION,
};
