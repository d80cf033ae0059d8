/* command.c: what mydocker's commands share: root, and reading their flags
 * with their usage at hand. */
#include <stdio.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

int require_root(void)
{
	if (geteuid() == 0)
		return 0;
	error_msg("must run as root (namespaces, mounts and cgroups need it): try sudo");
	return -1;
}

int command_flags(int argc, char **argv, const struct flag *flags, void (*usage)(FILE *), int *code)
{
	char why[256];
	int i = parse_flags(argc, argv, flags, why, sizeof why);

	if (i >= 0)
		return i;
	*code = i == FLAGS_HELP ? 0 : EXIT_MYDOCKER;
	if (i == FLAGS_WRONG)
		error_msg("%s", why);
	usage(i == FLAGS_HELP ? stdout : stderr);
	return -1;
}
