/* flags.c: the flags of a small command (`-f`, `--force`, `--format json`),
 * read up to its first argument that is not a flag; "--" ends them too. */
#include <stdio.h>
#include <string.h>

#include "common.h"

/* The flag that arg names ("-f", "--force", "--format=json"), or NULL. */
static const struct flag *find_flag(const struct flag *flags, const char *arg, const char **value)
{
	*value = NULL;
	for (const struct flag *f = flags; f->name; f++) {
		size_t len = strlen(f->name);
		if (strcmp(arg, f->name) == 0)
			return f;
		if (f->letter && arg[0] == '-' && arg[1] == f->letter && arg[2] == '\0')
			return f;
		if (f->value && strncmp(arg, f->name, len) == 0 && arg[len] == '=') {
			*value = arg + len + 1;
			return f;
		}
	}
	return NULL;
}

int parse_flags(int argc, char **argv, const struct flag *flags, char *why, size_t size)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *value;
		const struct flag *f;
		if (strcmp(argv[i], "--") == 0)
			return i + 1;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return FLAGS_HELP;
		f = find_flag(flags, argv[i], &value);
		if (!f) {
			snprintf(why, size, "unknown flag: %s", argv[i]);
			return FLAGS_WRONG;
		}
		if (f->on) { /* without a value, or with one after '=' only */
			*f->on = true;
			if (f->value)
				*f->value = value;
			continue;
		}
		if (!value && i + 1 == argc) {
			snprintf(why, size, "flag needs a value: %s", argv[i]);
			return FLAGS_WRONG;
		}
		*f->value = value ? value : argv[++i];
	}
	return i;
}
