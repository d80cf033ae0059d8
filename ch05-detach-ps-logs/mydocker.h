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
	uint64_t cpu_shares;   /* --cpu-shares: a relative weight, 2..262144 */
	char cpuset_cpus[256]; /* --cpuset-cpus: a CPU list, "0-1,3" */
};

/* -v HOST:CONTAINER[:ro|:rw] */
struct volume {
	char host[PATH_MAX];
	char container[PATH_MAX];
	bool read_only;
};
#define MAX_VOLUMES 16

#define MAX_NAME_LEN 64

/* What `mydocker run` was asked to do. */
struct run_options {
	bool interactive; /* -i: the container reads our stdin */
	bool tty;         /* -t: a pty of its own (console.c) */
	bool detach;      /* -d: in the background, output to its log */
	bool remove;      /* --rm: no record once it has exited */
	const char *name; /* --name, or NULL for a made-up one */
	struct resources resources;
	const char *image; /* --image: the root filesystem, default busybox */
	struct volume volumes[MAX_VOLUMES]; /* -v */
	int n_volumes;
	char **command;   /* COMMAND [ARG...], NULL-terminated, inside argv */
	char error[256];  /* why parsing failed */
};

/* A usage error (an unknown flag, no command) is shown with the usage; a
 * bad value with one line saying what is wrong with it. */
enum parse_result { PARSE_OK, PARSE_HELP, PARSE_USAGE_ERROR, PARSE_VALUE_ERROR };

/* options.c: the flags of `mydocker run`. */
enum parse_result parse_run_options(int argc, char **argv, struct run_options *opts);
void print_run_usage(FILE *out);

/* container.c: the parent's side (the book's Run and NewParentProcess);
 * ready_fd: where a monitor says the container has started (-1: none). */
int run_container(const struct run_options *opts, int ready_fd);

/* process.c: what mydocker does with the processes it starts: signals
 * passed on, stdin, process group, terminal, the wait for the exit. */
void handle_signals(void);
void forward_signals_to(pid_t pid);
int signal_before_start(void);
void pass_pipe_as_fd_3(int fd);
void stdin_from_dev_null(void);
void leave_our_process_group(void);
int wait_for_exit(pid_t pid);
bool mydocker_runs_as(long pid);

/* console.c: with -t, a pseudo-terminal of the container's own. */
void console_make(void);
void console_take(void);
void console_relay(int master, bool interactive, int pidfd);

/* stdio.c: the container's fds 0-2: its pty with -t, else pipes where ours
 * are a terminal (never our terminal itself), stdin /dev/null without -i. */
struct stdio {
	bool interactive;
	int master;    /* -t: its pty's, once init has sent it; else -1 */
	int socket[2]; /* -t: init sends it on [1], its stdin until then */
	int ours[3], theirs[3]; /* pipes in place of our terminal; else -1 */
};
#define STDIO_NONE { .master = -1, .socket = { -1, -1 }, .ours = { -1, -1, -1 }, .theirs = { -1, -1, -1 } }
int stdio_open(struct stdio *io, bool tty, bool interactive);
void stdio_attach(const struct stdio *io);
int stdio_connect(struct stdio *io);
void stdio_relay(struct stdio *io, pid_t pid);
void stdio_close(struct stdio *io);

/* detach.c: run -d, with a monitor process that stays with the container. */
int run_detached(const struct run_options *opts);
void check_detach(void);

/* container_log.c: a detached container's output, copied into its log. */
struct container_log {
	char path[PATH_MAX]; /* MYDOCKER_RUN/ID/container.log */
	int file;            /* open on path */
	off_t size;          /* of file, kept below LOG_MAX_BYTES */
	int master;          /* the pty the monitor reads */
	int slave;           /* the pty the container writes: its stdout and stderr */
};
#define LOG_MAX_BYTES (10 << 20)
int log_open(struct container_log *log, bool detached, const char *id);
void log_handed_over(struct container_log *log);
void log_close(struct container_log *log);
void relay_output(struct container_log *log);
void monitor_ready(int ready_fd, const char *id, int log_fd);

/* What the parent tells init over the pipe. */
struct init_config {
	char **argv;     /* the command, NULL-terminated */
	char *root;      /* the directory to make the container's root */
	char **env;      /* the command's environment, NULL-terminated */
	char *tty;       /* -t: "1", init makes the pty (console.c) */
	char *hostname;  /* the container's id */
	char **volumes;  /* HOST:CONTAINER[:ro|:rw], NULL-terminated */
};

/* pipe.c: the message on the pipe, fd 3 in init. */
#define INIT_PIPE_FD 3
char *encode_init_config(const struct init_config *config, size_t *len);
int decode_init_config(const char *msg, size_t len, struct init_config *config);
int send_init_config(int fd, const struct init_config *config);
char *read_init_config(int fd, struct init_config *config);

/* init.c: the child's side (the book's RunContainerInitProcess). */
int init_container(void);

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
void prune_temp_files(const char *dir, const char *marker, const char *what, int (*remove)(const char *));
int prune_summary(void);

/* paths.c: MYDOCKER_ROOT and MYDOCKER_RUN, and the paths below them. */
const char *mydocker_root(void);
int root_path(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *mydocker_run_dir(void);
int run_path(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* image.c: images/NAME.tar under MYDOCKER_ROOT, unpacked once. */
bool image_name_is_valid(const char *name);
int image_tar_path(const char *name, char *out, size_t size);
int image_unpack(const char *name, char *dir, size_t size);
void check_image(void);
void prune_images(void);

/* rootfs.c: init moves into the image and mounts /dev and /sys. */
void pivot_into(const char *root);
void make_mount_points(void);
void mount_dev(void);
void mount_sys(void);
void check_root_filesystem(void);

/* masks.c: docker's masked and read-only paths of /proc and /sys. */
void mask_kernel_files(void);

/* environment.c: docker's default environment, not mydocker's. */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
char **container_environment(const char *hostname, bool tty);

/* sealed_exe.c: init runs from a read-only view of mydocker's file. */
int open_sealed_exe(void);
void check_sealed_exe(void);

/* capabilities.c: docker's default capabilities, no more. */
void drop_capabilities(void);

/* workspace.c: the container's id, and its overlay root. */
#define CONTAINER_ID_LEN 12
struct workspace {
	char id[CONTAINER_ID_LEN + 1];
	char dir[PATH_MAX];    /* MYDOCKER_ROOT/containers/ID */
	char upper[PATH_MAX], work[PATH_MAX], merged[PATH_MAX];
	bool mounted;
	int lock;              /* flock(2) on dir while we look after it */
};
int make_container_id(char id[CONTAINER_ID_LEN + 1]);
bool container_id_is_valid(const char *id);
int overlay_options(char *out, size_t size, const char *lower, const char *upper, const char *work);
int workspace_create(struct workspace *ws, const char *image_dir);
int workspace_delete(struct workspace *ws);
bool workspace_is_abandoned(const char *id);
void check_overlay(void);
void prune_layers(void);

/* volume.c: -v HOST:CONTAINER[:ro|:rw], bind-mounted by init. */
int parse_volume(const char *spec, struct volume *v, char *error, size_t size);
int resolve_in_root(const char *root, const char *path, char *out, size_t size);
int prepare_volumes(const struct volume *volumes, int n, const char *image_dir, char ***specs);
void mount_volumes(const char *root, char **specs);

/* commit.c: mydocker commit CONTAINER IMAGE */
int commit_container(const char *id, const char *image, bool force);
int commit_command(int argc, char **argv);
void prune_commits(void);

/* names.c: container names. */
bool container_name_is_valid(const char *name);
void generate_name(char *out, size_t size);

/* record.c: MYDOCKER_RUN/ID/config.json, and MYDOCKER_RUN/names/NAME. */
struct record {
	char id[CONTAINER_ID_LEN + 1];
	char name[MAX_NAME_LEN + 1];
	long long pid;          /* the container's PID 1, as the host sees it */
	long long pid_start;    /* when that process started (/proc/PID/stat) */
	long long monitor_pid;  /* the mydocker that runs it */
	long long monitor_start; /* when that process started */
	char **command;         /* NULL-terminated */
	char created[40];       /* "2026-11-23T08:10:00.123456789Z" */
	char status[16];        /* "created", "running", "exited" */
	long long exit_code;    /* -1 while running, or when unknown */
	char image[65];
	char **volumes;         /* "HOST:CONTAINER:ro|rw", NULL-terminated */
	bool detached;
	struct resources limits;
};
char *record_to_json(const struct record *r);
int record_from_json(const char *text, struct record *r);
void record_free(struct record *r);
int record_write(const struct record *r);
int record_read(const char *id, struct record *r);
int record_create(struct record *r);
int record_create_for_run(struct record *rec, const struct run_options *opts, const char *id,
			  char *const *volumes);
void record_started(struct record *rec, pid_t pid);
void record_finished(struct record *rec, bool started, bool remove, int code);
int record_remove(const struct record *r);
bool record_name_taken(const char *name);
int check_name_is_free(const char *name);
int record_lookup(const char *name_or_id, char id[CONTAINER_ID_LEN + 1]);
long long process_start_time(long long pid);
void record_refresh_status(struct record *r);
bool record_is_running(struct record *r);
int record_list(struct record **records, size_t *n);
void record_list_free(struct record *records, size_t n);
void now_iso8601(char *out, size_t size);
void prune_records(void);

/* ps.c, logs.c, rm.c: the commands that look after containers. */
void print_ps_table(FILE *out, struct record *records, size_t n, bool all);
int print_ps_json(FILE *out, struct record *records, size_t n, bool all);
int ps_command(int argc, char **argv);
int logs_command(int argc, char **argv);
int rm_command(int argc, char **argv);

/* cgroups.c: the cgroup manager (the book's CgroupManager). One subsystem
 * per resource; on cgroup v1 each has its own hierarchy and directory, on
 * cgroup v2 they share one directory. */
enum { SUBSYSTEM_MEMORY, SUBSYSTEM_CPU, SUBSYSTEM_CPUSET, N_SUBSYSTEMS };

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
int cgroup_probe(struct cgroup *cg, char *detail, size_t size);
bool cgroup_in_use(const struct cgroup *cg);
void check_cgroups(void);
void prune_cgroups(void);

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

/* The subsystems (the book's Subsystem interface): memory.c, cpu.c, cpuset.c. */
struct subsystem {
	const char *name; /* the controller: "memory", "cpu", "cpuset" */
	bool (*wanted)(const struct resources *r);
	int (*set_v1)(const char *dir, const struct resources *r);
	int (*set_v2)(const char *dir, const struct resources *r);
};
extern const struct subsystem memory_subsystem, cpu_subsystem, cpuset_subsystem;
extern const struct subsystem *const subsystems[N_SUBSYSTEMS];

uint64_t memory_oom_kills(const char *dir, int version);
uint64_t cpu_shares_to_weight(uint64_t shares);

/* cpuset.c: CPU lists, "0-3,8". */
#define MAX_CPUS 1024
struct cpu_mask {
	uint8_t cpu[MAX_CPUS];
};
int cpuset_parse(const char *list, struct cpu_mask *mask);
int cpuset_first_outside(const struct cpu_mask *mask, const struct cpu_mask *allowed);

#endif
