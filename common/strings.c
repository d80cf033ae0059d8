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

/* A copy of list (which may be NULL: an empty one), or NULL. */
char **strings_copy(char *const *list)
{
	char **copy = calloc(1, sizeof *copy);

	for (size_t i = 0; copy && list && list[i]; i++) {
		if (strings_add(&copy, list[i]) < 0) {
			strings_free(copy);
			return NULL;
		}
	}
	return copy;
}

void strings_free(char **list)
{
	for (size_t i = 0; list && list[i]; i++)
		free(list[i]);
	free(list);
}

/* [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most max characters: no '/', so a name is
 * one directory entry, and no leading '.' or '-', so never "." or ".." or
 * something that reads as a flag. */
bool name_is_valid(const char *name, size_t max)
{
	static const char first[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t len = strlen(name);

	if (len == 0 || len > max || !strchr(first, name[0]))
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == len;
}
