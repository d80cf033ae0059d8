/* strings.c: lists of strings that end with NULL, as argv and environ do,
 * each string and the list itself on the heap. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

size_t strings_count(char *const *list)
{
	size_t n = 0;

	while (list && list[n])
		n++;
	return n;
}

/* Appends a copy of s; *list may be NULL, an empty list. */
int strings_add(char ***list, const char *s)
{
	size_t n = strings_count(*list);
	char *copy = strdup(s), **bigger;

	if (!copy)
		return -1;
	bigger = realloc(*list, (n + 2) * sizeof *bigger);
	if (!bigger) {
		free(copy);
		return -1;
	}
	bigger[n] = copy;
	bigger[n + 1] = NULL;
	*list = bigger;
	return 0;
}

void strings_free(char **list)
{
	for (size_t i = 0; list && list[i]; i++)
		free(list[i]);
	free(list);
}
