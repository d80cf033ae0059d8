/* json.h: reading and writing JSON with cJSON, with the type checks a
 * file from disk needs. Helpers only: what the JSON means is the caller's. */
#ifndef MYDOCKER_JSON_H
#define MYDOCKER_JSON_H

#include <cjson/cJSON.h>

/* The string at key, or NULL when missing or not a string. */
const char *json_string(const cJSON *object, const char *key);
/* The number at key into *out: 0, or -1 when missing or not a number. */
int json_number(const cJSON *object, const char *key, long long *out);
/* The strings of the array at key, as a malloc'd NULL-terminated array of
 * malloc'd strings (free with json_free_strings), or NULL. */
char **json_strings(const cJSON *object, const char *key);
void json_free_strings(char **strings);
/* Adds the NULL-terminated strings as an array at key: 0, or -1. */
int json_add_strings(cJSON *object, const char *key, char *const *strings);

#endif
