/* bundle.c: an OCI bundle, a directory with config.json and a root
 * filesystem (the runtime spec's bundle.md and config.md). The runtime
 * applies the config as it is, or refuses it: a property this runtime
 * cannot apply is an error that names it, never ignored (config.md: "the
 * runtime MUST generate an error"), so a caller is never told a container
 * is confined in a way it is not. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "common.h"
#include "json.h"
#include "mydocker.h"

/* The properties this runtime applies, object by object. */
static const char *const top_keys[] = { "ociVersion", "process", "root", "hostname", "mounts",
					"linux", "annotations", "hooks", NULL };
static const char *const process_keys[] = { "terminal", "user", "args", "env", "cwd", "capabilities",
					    "rlimits", "noNewPrivileges", "oomScoreAdj", NULL };
static const char *const user_keys[] = { "uid", "gid", "additionalGids", "umask", NULL };
static const char *const root_keys[] = { "path", "readonly", NULL };
static const char *const linux_keys[] = { "namespaces", "maskedPaths", "readonlyPaths", "resources",
					  "cgroupsPath", "sysctl", NULL };
static const char *const mount_keys[] = { "destination", "type", "source", "options", NULL };

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

/* A property that asks for nothing (null, false, {} or []) is no request. */
static bool asks_nothing(const cJSON *item)
{
	return cJSON_IsNull(item) || cJSON_IsFalse(item) ||
	       ((cJSON_IsObject(item) || cJSON_IsArray(item)) && !item->child);
}

/* Every property of object is one this runtime applies. */
static int only_known(const cJSON *object, const char *where, const char *const *known, char *error,
		      size_t size)
{
	const cJSON *item;

	if (object && !cJSON_IsObject(object)) {
		snprintf(error, size, "config.json: %s is not an object", where);
		return -1;
	}
	cJSON_ArrayForEach(item, object) {
		if (!in_list(known, item->string) && !asks_nothing(item)) {
			snprintf(error, size, "config.json: %s%s is not supported by this runtime", where,
				 item->string);
			return -1;
		}
	}
	return 0;
}

/* linux.namespaces: each type as clone(2)'s flag; a path joins one. */
static const struct { const char *type; int flag; } namespace_types[] = {
	{ "pid", CLONE_NEWPID }, { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
	{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS }, { "cgroup", CLONE_NEWCGROUP },
};

static int read_namespaces(const cJSON *list, struct bundle *b, char *error, size_t size)
{
	const cJSON *ns;

	cJSON_ArrayForEach(ns, list) {
		const char *type = json_string(ns, "type"), *path = json_string(ns, "path");
		size_t i = 0;
		while (i < ARRAY_SIZE(namespace_types) && (!type || strcmp(type, namespace_types[i].type) != 0))
			i++;
		if (i == ARRAY_SIZE(namespace_types) || b->n_joined == BUNDLE_MAX_NS) {
			snprintf(error, size, "config.json: linux.namespaces: type %s is not supported by this runtime",
				 type ? type : "(none)");
			return -1;
		}
		if (path)
			b->joined[b->n_joined++] = (struct joined_ns){ namespace_types[i].flag, path };
		else
			b->namespaces |= namespace_types[i].flag;
	}
	if (!(b->namespaces & CLONE_NEWNS)) {
		snprintf(error, size, "config.json: linux.namespaces: this runtime needs a new mount namespace");
		return -1;
	}
	return 0;
}

/* process.capabilities: five sets of names, each a bit mask here. */
static const char *const cap_sets[N_CAP_SETS + 1] = { "bounding", "effective", "permitted", "inheritable",
							"ambient", NULL };

static int read_capabilities(const cJSON *caps, struct bundle *b, char *error, size_t size)
{
	for (int set = 0; set < N_CAP_SETS; set++) {
		const cJSON *name;
		cJSON_ArrayForEach(name, cJSON_GetObjectItemCaseSensitive(caps, cap_sets[set])) {
			cap_value_t cap;
			if (!cJSON_IsString(name) || cap_from_name(name->valuestring, &cap) < 0) {
				snprintf(error, size, "config.json: process.capabilities.%s: unknown capability %s",
					 cap_sets[set], cJSON_IsString(name) ? name->valuestring : "(not a string)");
				return -1;
			}
			b->caps[set] |= 1ULL << cap;
		}
	}
	return only_known(caps, "process.capabilities.", cap_sets, error, size);
}

/* process.rlimits: RLIMIT_NOFILE and the others of setrlimit(2). */
static const struct { const char *name; int resource; } rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_CORE", RLIMIT_CORE }, { "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA }, { "RLIMIT_FSIZE", RLIMIT_FSIZE }, { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE }, { "RLIMIT_NOFILE", RLIMIT_NOFILE }, { "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS }, { "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

static int read_rlimits(const cJSON *list, struct bundle *b, char *error, size_t size)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, list) {
		const char *type = json_string(r, "type");
		long long soft, hard;
		size_t i = 0;
		while (i < ARRAY_SIZE(rlimit_names) && (!type || strcmp(type, rlimit_names[i].name) != 0))
			i++;
		if (i == ARRAY_SIZE(rlimit_names) || b->n_rlimits == BUNDLE_MAX_RLIMITS ||
		    json_number(r, "soft", &soft) < 0 || json_number(r, "hard", &hard) < 0 || soft > hard) {
			snprintf(error, size, "config.json: process.rlimits: %s is not a limit this runtime knows, "
				 "with soft <= hard", type ? type : "(no type)");
			return -1;
		}
		b->rlimits[b->n_rlimits++] = (struct bundle_rlimit){ rlimit_names[i].resource,
			(unsigned long long)soft, (unsigned long long)hard };
	}
	return 0;
}

/* process.user: numbers, as the spec has them (no names: no /etc/passwd). */
static int read_user(const cJSON *user, struct bundle *b, char *error, size_t size)
{
	long long uid = 0, gid = 0, umask = 0;
	const cJSON *g;

	json_number(user, "uid", &uid);
	json_number(user, "gid", &gid);
	b->has_umask = json_number(user, "umask", &umask) == 0;
	b->umask = (mode_t)umask & 0777;
	b->uid = (uid_t)uid;
	b->gid = (gid_t)gid;
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(user, "additionalGids")) {
		if (!cJSON_IsNumber(g) || b->n_groups == BUNDLE_MAX_GROUPS) {
			snprintf(error, size, "config.json: process.user.additionalGids: a list of up to %d numbers",
				 BUNDLE_MAX_GROUPS);
			return -1;
		}
		b->groups[b->n_groups++] = (gid_t)g->valuedouble;
	}
	return only_known(user, "process.user.", user_keys, error, size);
}

static int read_process(const cJSON *process, struct bundle *b, char *error, size_t size)
{
	long long oom;

	if (only_known(process, "process.", process_keys, error, size) < 0)
		return -1;
	b->args = json_strings(process, "args");
	b->env = json_strings(process, "env");
	b->cwd = json_string(process, "cwd");
	if (!b->args || !b->args[0] || !b->cwd || b->cwd[0] != '/') {
		snprintf(error, size, "config.json: process needs args and an absolute cwd");
		return -1;
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(process, "terminal"))) {
		snprintf(error, size, "config.json: process.terminal: this runtime gives no terminal "
			 "(no --console-socket); set it to false");
		return -1;
	}
	b->no_new_privileges = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(process, "noNewPrivileges"));
	b->has_oom_score = json_number(process, "oomScoreAdj", &oom) == 0;
	b->oom_score_adj = (int)oom;
	if (read_user(cJSON_GetObjectItemCaseSensitive(process, "user"), b, error, size) < 0 ||
	    read_capabilities(cJSON_GetObjectItemCaseSensitive(process, "capabilities"), b, error, size) < 0)
		return -1;
	return read_rlimits(cJSON_GetObjectItemCaseSensitive(process, "rlimits"), b, error, size);
}

/* root.path, relative to the bundle's directory, or absolute. */
static int read_root(const cJSON *root, const char *dir, struct bundle *b, char *error, size_t size)
{
	const char *path = json_string(root, "path");
	char given[PATH_MAX];

	if (only_known(root, "root.", root_keys, error, size) < 0)
		return -1;
	if (!path) {
		snprintf(error, size, "config.json: root.path is missing");
		return -1;
	}
	if (path[0] == '/' || !dir)
		snprintf(given, sizeof given, "%s", path);
	else if (path_printf(given, sizeof given, "%s/%s", dir, path) < 0)
		return -1;
	if (!realpath(given, b->root)) {
		snprintf(error, size, "config.json: root.path %s: %s", path, strerror(errno));
		return -1;
	}
	b->read_only = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "readonly"));
	return 0;
}

static int read_mounts(const cJSON *list, struct bundle *b, char *error, size_t size)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, list) {
		struct bundle_mount *out = &b->mounts[b->n_mounts];
		char **options = json_strings(m, "options");
		int ret;
		if (b->n_mounts == BUNDLE_MAX_MOUNTS || only_known(m, "mounts[].", mount_keys, error, size) < 0) {
			json_free_strings(options);
			return -1;
		}
		*out = (struct bundle_mount){ .destination = json_string(m, "destination"),
					      .type = json_string(m, "type"), .source = json_string(m, "source") };
		ret = mount_options(out, options, error, size);
		json_free_strings(options);
		if (ret < 0)
			return -1;
		b->n_mounts++;
	}
	return 0;
}

/* linux.resources.devices: {"allow": false, "access": "rwm"} (every
 * device) or {"allow": true, "type": "c", "major": 1, "minor": 3, ...},
 * as the devices controller's rule "c 1:3 rwm". */
static int read_device_rule(const cJSON *d, struct device_rule *out, char *error, size_t size)
{
	const char *type = json_string(d, "type"), *access = json_string(d, "access");
	long long major = -1, minor = -1;
	char majors[24] = "*", minors[24] = "*";

	if (json_number(d, "major", &major) == 0 && major >= 0)
		snprintf(majors, sizeof majors, "%lld", major);
	if (json_number(d, "minor", &minor) == 0 && minor >= 0)
		snprintf(minors, sizeof minors, "%lld", minor);
	if (!type)
		type = "a";
	if (!access)
		access = "rwm";
	if (!cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(d, "allow")) || strlen(type) != 1 ||
	    !strchr("abc", type[0]) || !access[0] || strspn(access, "rwm") != strlen(access)) {
		snprintf(error, size, "config.json: linux.resources.devices: a rule needs allow, a type of a, b or c "
			 "and an access of r, w and m");
		return -1;
	}
	out->allow = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(d, "allow"));
	snprintf(out->rule, sizeof out->rule, "%s %s:%s %s", type, majors, minors, access);
	return 0;
}

/* linux.resources: the limits cgroups.c sets, by name; any other refused. */
static const char *const resource_keys[] = { "memory", "cpu", "pids", "devices", NULL };
static const char *const memory_keys[] = { "limit", NULL };
static const char *const cpu_keys[] = { "shares", "quota", "period", "cpus", NULL };
static const char *const pids_keys[] = { "limit", NULL };

static int read_resources(const cJSON *res, struct resources *r, char *error, size_t size)
{
	const cJSON *memory = cJSON_GetObjectItemCaseSensitive(res, "memory");
	const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(res, "cpu");
	const cJSON *pids = cJSON_GetObjectItemCaseSensitive(res, "pids"), *d;
	const char *cpus = json_string(cpu, "cpus");
	long long n;

	if (only_known(res, "linux.resources.", resource_keys, error, size) < 0 ||
	    only_known(memory, "linux.resources.memory.", memory_keys, error, size) < 0 ||
	    only_known(cpu, "linux.resources.cpu.", cpu_keys, error, size) < 0 ||
	    only_known(pids, "linux.resources.pids.", pids_keys, error, size) < 0)
		return -1;
	if (json_number(memory, "limit", &n) == 0 && n > 0)
		r->memory = (uint64_t)n;
	if (json_number(cpu, "shares", &n) == 0 && n > 0)
		r->cpu_shares = (uint64_t)n;
	if (json_number(cpu, "quota", &n) == 0 && n > 0) /* -1: no limit */
		r->cpu_quota = (uint64_t)n;
	if (json_number(cpu, "period", &n) == 0 && n > 0)
		r->cpu_period = (uint64_t)n;
	if (cpus)
		snprintf(r->cpuset_cpus, sizeof r->cpuset_cpus, "%s", cpus);
	if (json_number(pids, "limit", &n) == 0 && n != 0)
		r->pids = n > 0 ? n : -1;
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(res, "devices")) {
		if (r->n_devices == MAX_DEVICE_RULES) {
			snprintf(error, size, "config.json: linux.resources.devices: more than %d rules", MAX_DEVICE_RULES);
			return -1;
		}
		if (read_device_rule(d, &r->devices[r->n_devices++], error, size) < 0)
			return -1;
	}
	return 0;
}

/* linux.cgroupsPath: a path in each cgroup hierarchy, from its root if it
 * starts with /, else below the runtime's own cgroup; never above them. */
static int read_cgroups_path(const char *path, struct bundle *b, char *error, size_t size)
{
	char copy[PATH_MAX], *save = NULL;

	if (!path || !path[0])
		return 0;
	snprintf(copy, sizeof copy, "%s", path);
	for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, "..") == 0 || strcmp(part, ".") == 0) {
			snprintf(error, size, "config.json: linux.cgroupsPath %s climbs out of the cgroup tree", path);
			return -1;
		}
	}
	if (strlen(path) >= PATH_MAX / 2 || strcmp(path, "/") == 0) {
		snprintf(error, size, "config.json: linux.cgroupsPath %s is not a cgroup of its own", path);
		return -1;
	}
	b->cgroups_path = path;
	return 0;
}

/* hooks: the kinds this runtime runs (createContainer and startContainer,
 * which run inside the container, are refused), each a list of hooks
 * with an absolute path (hooks.c runs them). */
static const char *const hook_kinds[] = { "prestart", "createRuntime", "poststart", "poststop", NULL };
static const char *const hook_keys[] = { "path", "args", "env", "timeout", NULL };

static int read_hooks(const cJSON *hooks, char *error, size_t size)
{
	const cJSON *list, *hook;

	if (only_known(hooks, "hooks.", hook_kinds, error, size) < 0)
		return -1;
	cJSON_ArrayForEach(list, hooks) {
		cJSON_ArrayForEach(hook, list) {
			const char *path = json_string(hook, "path");
			if (!path || path[0] != '/') {
				snprintf(error, size, "config.json: hooks.%s: a hook needs an absolute path", list->string);
				return -1;
			}
			if (only_known(hook, "hooks[].", hook_keys, error, size) < 0)
				return -1;
		}
	}
	return 0;
}

/* The runtime spec's version: 1.x.y; a major it does not know is refused. */
static int check_version(const cJSON *json, char *error, size_t size)
{
	const char *version = json_string(json, "ociVersion");

	if (!version || strncmp(version, "1.", 2) != 0) {
		snprintf(error, size, "config.json: ociVersion %s: this runtime implements the runtime spec 1.x",
			 version ? version : "(none)");
		return -1;
	}
	return 0;
}

/* text: config.json; dir: the bundle's directory, for a relative root.path
 * (NULL: it is absolute already). b keeps pointers into the parsed text. */
int bundle_parse(const char *text, const char *dir, struct bundle *b, char *error, size_t size)
{
	const cJSON *linux_;

	*b = (struct bundle){ 0 };
	b->json = cJSON_Parse(text);
	if (!cJSON_IsObject(b->json)) {
		snprintf(error, size, "config.json is not JSON");
		return -1;
	}
	linux_ = cJSON_GetObjectItemCaseSensitive(b->json, "linux");
	if (check_version(b->json, error, size) < 0 ||
	    only_known(b->json, "", top_keys, error, size) < 0 ||
	    only_known(linux_, "linux.", linux_keys, error, size) < 0 ||
	    read_process(cJSON_GetObjectItemCaseSensitive(b->json, "process"), b, error, size) < 0 ||
	    read_root(cJSON_GetObjectItemCaseSensitive(b->json, "root"), dir, b, error, size) < 0 ||
	    read_mounts(cJSON_GetObjectItemCaseSensitive(b->json, "mounts"), b, error, size) < 0 ||
	    read_namespaces(cJSON_GetObjectItemCaseSensitive(linux_, "namespaces"), b, error, size) < 0 ||
	    read_hooks(b->hooks = cJSON_GetObjectItemCaseSensitive(b->json, "hooks"), error, size) < 0 ||
	    read_resources(cJSON_GetObjectItemCaseSensitive(linux_, "resources"), &b->resources, error, size) < 0 ||
	    read_cgroups_path(json_string(linux_, "cgroupsPath"), b, error, size) < 0)
		return -1;
	b->hostname = json_string(b->json, "hostname");
	if (b->hostname && !(b->namespaces & CLONE_NEWUTS)) {
		snprintf(error, size, "config.json: hostname needs a new uts namespace");
		return -1;
	}
	b->sysctl = cJSON_GetObjectItemCaseSensitive(linux_, "sysctl");
	if (check_sysctls(b, error, size) < 0)
		return -1;
	b->masked = json_strings(linux_, "maskedPaths");
	b->read_only_paths = json_strings(linux_, "readonlyPaths");
	return 0;
}

/* The bundle's config.json, read and checked; root.path made absolute in
 * the JSON too, for init, which gets it as text. */
int bundle_read(const char *dir, struct bundle *b, char *error, size_t size)
{
	char path[PATH_MAX], *text;
	cJSON *root;

	*b = (struct bundle){ 0 };
	if (path_printf(path, sizeof path, "%s/config.json", dir) < 0 || !(text = read_file_all(path))) {
		snprintf(error, size, "bundle %s: read config.json: %s", dir, strerror(errno));
		return -1;
	}
	if (bundle_parse(text, dir, b, error, size) < 0) {
		free(text);
		return -1;
	}
	free(text);
	root = cJSON_GetObjectItemCaseSensitive(b->json, "root");
	cJSON_ReplaceItemInObjectCaseSensitive(root, "path", cJSON_CreateString(b->root));
	return 0;
}

void bundle_free(struct bundle *b)
{
	json_free_strings(b->args);
	json_free_strings(b->env);
	json_free_strings(b->masked);
	json_free_strings(b->read_only_paths);
	cJSON_Delete(b->json);
}
