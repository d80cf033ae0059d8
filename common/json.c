/* json.c: typed access to cJSON objects (see json.h). */
#include <stdlib.h>
#include <string.h>

#include "json.h"

const char *json_string(const cJSON *object, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);

	return cJSON_IsString(item) ? item->valuestring : NULL;
}

int json_number(const cJSON *object, const char *key, long long *out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);

	if (!cJSON_IsNumber(item))
		return -1;
	*out = (long long)item->valuedouble;
	return 0;
}

void json_free_strings(char **strings)
{
	for (char **s = strings; s && *s; s++)
		free(*s);
	free(strings);
}

char **json_strings(const cJSON *object, const char *key)
{
	const cJSON *array = cJSON_GetObjectItemCaseSensitive(object, key), *item;
	char **strings;
	size_t n = 0;

	if (!cJSON_IsArray(array))
		return NULL;
	strings = calloc((size_t)cJSON_GetArraySize(array) + 1, sizeof *strings);
	if (!strings)
		return NULL;
	cJSON_ArrayForEach(item, array) {
		if (!cJSON_IsString(item) || !(strings[n] = strdup(item->valuestring))) {
			json_free_strings(strings);
			return NULL;
		}
		n++;
	}
	return strings;
}

int json_add_strings(cJSON *object, const char *key, char *const *strings)
{
	cJSON *array = cJSON_AddArrayToObject(object, key);

	if (!array)
		return -1;
	for (char *const *s = strings; s && *s; s++) {
		cJSON *item = cJSON_CreateString(*s);
		if (!item || !cJSON_AddItemToArray(array, item)) {
			cJSON_Delete(item);
			return -1;
		}
	}
	return 0;
}
