/* mydocker.h: what the files of this program share: for each file, the
 * types and functions the others use, in a block named after it. */
#ifndef MYDOCKER_H
#define MYDOCKER_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "common.h"

/* Resource limits, as the flags give them; 0 or "" means not set. */
struct resources {
	uint64_t memory;       /* -m: bytes */
};

/* What `mydocker run` was asked to do. */
struct run_options {
	bool interactive; /* -i: the container reads our stdin */
	bool tty;         /* -t: it shares our terminal (no pty of its own) */
	struct resources resources;
	char **command;   /* COMMAND [ARG...], NULL-terminated, inside argv */
	char error[256];  /* why parsing failed */
};

/* A usage error (an unknown flag, no command) is shown with the usage; a
 * bad value with one line saying what is wrong with it. */
enum parse_result { PARSE_OK, PARSE_HELP, PARSE_USAGE_ERROR, PARSE_VALUE_ERROR };

/* options.c: the flags of `mydocker run`. */
enum parse_result parse_run_options(int argc, char **argv, struct run_options *opts);
void print_run_usage(FILE *out);

/* container.c: the parent's side (the book's Run and NewParentProcess). */
int run_container(const struct run_options *opts);

/* process.c: what mydocker does with the processes it starts: signals
 * passed on, stdin, process group, terminal, the wait for the exit. */
void handle_signals(void);
void forward_signals_to(pid_t pid);
int signal_before_start(void);
void stdin_from_dev_null(void);
void leave_our_process_group(bool tty);
void take_terminal(void);
int wait_for_exit(pid_t pid);

/* init.c: the child's side (the book's RunContainerInitProcess). */
int init_container(char **command);

/* command.c: what every command uses. command_flags() reads a command's
 * flags (common.h's parse_flags()) and on -h or a mistake prints its
 * usage: it returns the index of the command's first argument, or -1 with
 * *code set to what the command returns. */
int require_root(void);
int command_flags(int argc, char **argv, const struct flag *flags, void (*usage)(FILE *), int *code);

/* check.c: mydocker check, what this host lacks. A failure that a check
 * covers ends its message with CHECK_HINT. */
int check_command(int argc, char **argv);
#define CHECK_HINT " ('mydocker check' tells what this host lacks)"

/* prune.c: mydocker prune, what crashed containers left behind. */
int prune_command(int argc, char **argv);

/* report.c: what check and prune find, one line per item: each check says
 * ok or FAIL with check_report(); each finder of leftovers calls
 * prune_leftover(), which with --force removes what it found. */
void check_report(const char *item, bool ok, const char *detail, const char *fix);
int check_summary(void);
void prune_begin(bool force);
void prune_leftover(const char *what, const char *path, const char *why, int (*remove)(const char *));
int prune_summary(void);

/* cgroups.c: the cgroup manager (the book's CgroupManager). One subsystem
 * per resource; on cgroup v1 each has its own hierarchy and directory, on
 * cgroup v2 they share one directory. */
enum { SUBSYSTEM_MEMORY, N_SUBSYSTEMS };

/* Where this host's cgroup files are; the tests point it at a fake tree. */
struct cgroup_host {
	const char *mountinfo;   /* /proc/self/mountinfo */
	const char *self_cgroup; /* /proc/self/cgroup */
};
extern const struct cgroup_host real_cgroup_host;

struct cgroup {
	int version;                         /* 1 or 2 */
	const struct resources *resources;
	char dir[N_SUBSYSTEMS][PATH_MAX];    /* "" for a subsystem not used */
	char v2_mount[PATH_MAX];             /* v2: where the hierarchy is mounted */
	char v2_parent[PATH_MAX];            /* v2: the group all containers share */
};

int cgroup_find(struct cgroup *cg, const struct cgroup_host *host, const char *name,
		const struct resources *resources);
int cgroup_create(struct cgroup *cg);
int cgroup_set(struct cgroup *cg);
int cgroup_apply(struct cgroup *cg, pid_t pid);
uint64_t cgroup_oom_kills(const struct cgroup *cg);
int cgroup_destroy(struct cgroup *cg);
bool cgroup_in_use(const struct cgroup *cg);

/* cgroup_paths.c: where the hierarchies are mounted and where we are in
 * them, from the text of /proc/self/mountinfo and /proc/self/cgroup; and
 * a value written to a file of a cgroup, said on failure. */
struct cgroup_mount {
	int version;           /* 1 or 2 */
	char point[PATH_MAX];  /* where it is mounted */
	char root[PATH_MAX];   /* which cgroup of the hierarchy is at point */
};
int find_cgroup_mount(const char *mountinfo, const char *controller, struct cgroup_mount *out);
int find_own_cgroup(const char *self_cgroup, const char *controller, char *path, size_t size);
int cgroup_write(const char *dir, const char *file, const char *value);

/* The subsystems (the book's Subsystem interface): memory.c. */
struct subsystem {
	const char *name; /* the controller: "memory" */
	bool (*wanted)(const struct resources *r);
	int (*set_v1)(const char *dir, const struct resources *r);
	int (*set_v2)(const char *dir, const struct resources *r);
};
extern const struct subsystem memory_subsystem;
extern const struct subsystem *const subsystems[N_SUBSYSTEMS];

uint64_t memory_oom_kills(const char *dir, int version);

#endif
