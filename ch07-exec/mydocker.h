/* mydocker.h: what the files of this program share: for each file, the
 * types and functions the others use, in a block named after it. */
#ifndef MYDOCKER_H
#define MYDOCKER_H

#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "common.h"

/* A rule of the devices controller: "c 1:3 rwm", allowed or denied. */
struct device_rule {
	bool allow;
	char rule[48];
};
#define MAX_DEVICE_RULES 64

/* Resource limits, as the flags or config.json's linux.resources give
 * them; 0 or "" means not set. */
struct resources {
	uint64_t memory;       /* -m: bytes */
	uint64_t cpu_shares;   /* --cpu-shares: a relative weight, 2..262144 */
	uint64_t cpu_quota, cpu_period; /* cpu.quota of every cpu.period, µs; 0: none */
	char cpuset_cpus[256]; /* --cpuset-cpus: a CPU list, "0-1,3" */
	long long pids;        /* pids.limit: how many tasks; -1 for no limit */
	struct device_rule devices[MAX_DEVICE_RULES]; /* in order */
	int n_devices;
};

/* -v HOST:CONTAINER[:ro|:rw] */
struct volume {
	char host[PATH_MAX];
	char container[PATH_MAX];
	bool read_only;
};
#define MAX_VOLUMES 16

#define MAX_NAME_LEN 64
/* An image's name, docker's [PATH/]NAME[:TAG] (image.c). */
#define IMAGE_NAME_MAX 100

/* -p [IP:]HOSTPORT:CONTAINERPORT[/tcp|/udp] */
struct port {
	int host, container;
	char proto[4]; /* "tcp" or "udp" */
	char ip[16];   /* the host's address it is for; "" for all of them */
};
#define MAX_PORTS 16

/* What `mydocker run` was asked to do. */
struct run_options {
	bool interactive; /* -i: the container reads our stdin */
	bool tty;         /* -t: a pty of its own (console.c) */
	bool detach;      /* -d: in the background, output to its log */
	bool remove;      /* --rm: no record once it has exited */
	const char *name; /* --name, or NULL for a made-up one */
	struct resources resources;
	const char *image; /* IMAGE: the root filesystem */
	struct volume volumes[MAX_VOLUMES]; /* -v */
	int n_volumes;
	char **env;       /* -e and --env-file: NAME=VALUE, NULL-terminated */
	const char *network; /* --net: a network's name, or NULL for none */
	const char *ip;   /* --ip: the address to ask for, or NULL */
	struct port ports[MAX_PORTS]; /* -p */
	int n_ports;
	char **command;   /* COMMAND [ARG...], NULL-terminated, inside argv; or the image's */
	const char *entrypoint; /* --entrypoint: in place of the image's ("": none) */
	const char *user; /* -u USER[:GROUP], or the image's User; NULL: root */
	const char *workdir; /* -w DIR, or the image's WorkingDir; NULL: / */
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
char **build_init_argv(const char *init);
void handle_signals(void);
void forward_signals_to(pid_t pid);
int signal_before_start(void);
void pass_fd_as(int fd, int target);
void stdin_from_dev_null(void);
void leave_our_process_group(void);
int wait_for_exit(pid_t pid);
bool mydocker_runs_as(long pid);

/* console.c: with -t, a pseudo-terminal of the container's own. */
int console_open(int *slave);
void console_as_stdio(int slave);
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
	char *dir;       /* -w, exec -w: the command's working directory */
	char *user;      /* -u: USER[:GROUP], names from the container's /etc/passwd */
	char *pid;       /* exec: the container's PID 1, as the host sees it */
	char *link;      /* --net: the container's end of its veth, to become eth0 */
	char *address;   /* --net: its address, "198.18.1.2/24" */
	char *gateway;   /* --net: the bridge's address, the default route */
};

/* pipe.c: the message on the pipe, fd 3 in init. */
#define INIT_PIPE_FD 3
#define INIT_EXEC_FD 4 /* closed by the command's exec: it started */
char *encode_init_config(const struct init_config *config, size_t *len);
int decode_init_config(const char *msg, size_t len, struct init_config *config);
int send_init_config(int fd, const struct init_config *config);
char *read_init_config(int fd, struct init_config *config);

/* init.c: the child's side (the book's RunContainerInitProcess), and of
 * mydocker exec. */
int init_container(void);
void become_command(const struct init_config *config);
void close_fds_from(int first);
void reset_signals(void);
void replace_init(char **command, char **env, int exec_fd);

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
void image_short_name(const char *name, char *out, size_t size);
int image_file_name(const char *name, char *out, size_t size);
bool same_image(const char *a, const char *b);
struct cJSON;
struct cJSON *descriptor(const char *type, const char *digest, off_t size);
int image_tar_path(const char *name, char *out, size_t size);
int image_unpack(const char *name, char *dir, size_t size);
char **image_layers(const char *name);
off_t image_layers_size(const char *name);
int image_config_write(const char *name, char *const *command);
void check_image(void);
void prune_images(void);
int image_config_path(const char *name, char *out, size_t size);

/* image_config.c: an image's config as a container's defaults. */
int image_defaults(struct run_options *opts);
int signal_number(const char *text);
int image_stop_signal(const char *name);

/* user.c: -u USER[:GROUP], inside the container. */
void become_user(const char *spec, char **env);
void set_default_home(char ***env, uid_t uid);

/* rootfs.c: init moves into the image and mounts /dev and /sys. */
void pivot_into(const char *root);
void move_root_into(const char *root);
void make_mount_points(void);
void mount_dev(void);
void make_default_devices(bool bind);
void mount_sys(void);
void check_root_filesystem(void);

/* masks.c: docker's masked and read-only paths of /proc and /sys. */
void mask_kernel_files(void);
void mask_path(const char *path);
void make_read_only(const char *path);

/* environment.c: docker's default environment, not mydocker's, and -e. */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
int environment_set(char ***env, const char *variable);
int environment_flag(char ***env, const char *text, char *error, size_t size);
int environment_file(char ***env, const char *path, char *error, size_t size);
char **container_environment(const char *hostname, bool tty, char *const *extra);

/* sealed_exe.c: init runs from a read-only view of mydocker's file. */
int open_sealed_exe(void);
void check_sealed_exe(void);

/* capabilities.c: docker's default capabilities, no more; or a bundle's. */
enum { CAP_SET_BOUNDING, CAP_SET_EFFECTIVE, CAP_SET_PERMITTED, CAP_SET_INHERITABLE, CAP_SET_AMBIENT,
       N_CAP_SETS };
void drop_capabilities(void);
void drop_bounding_set(uint64_t bounding);
void set_capabilities(const uint64_t sets[N_CAP_SETS]);

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
int commit_container(const char *id, const char *image, bool force, char *const *command);
int commit_command(int argc, char **argv);
void prune_commits(void);

/* layer.c: one layer of an image, unpacked, its digests checked. A
 * digest is "sha256:" and 64 lowercase hex digits. */
#define SHA256 "sha256:"
#define DIGEST_LEN (sizeof SHA256 - 1 + 64)
/* The OCI image spec's media types and annotation of a name (save.c,
 * docker_archive.c). */
#define MANIFEST_TYPE "application/vnd.oci.image.manifest.v1+json"
#define CONFIG_TYPE "application/vnd.oci.image.config.v1+json"
#define LAYER_TYPE "application/vnd.oci.image.layer.v1.tar"
#define REF_NAME "org.opencontainers.image.ref.name"
bool is_digest(const char *digest);
int layer_dir(const char *diff_id, char *out, size_t size);
int layer_unpack(const char *blob, const char *dir, const char *digest, const char *diff_id, char *error,
		 size_t size);

/* load.c: mydocker load [-i DIR|FILE], an OCI image layout or its tar;
 * the store of layers and blobs. */
int load_command(int argc, char **argv);
void forget_unused_layers(void);
int stored_blob_path(const char *digest, char *out, size_t size);
/* This machine, as an image's config names it (Go's GOARCH); on others
 * an image's architecture is not checked (NULL). */
#if defined(__x86_64__)
#define THIS_ARCHITECTURE "amd64"
#elif defined(__aarch64__)
#define THIS_ARCHITECTURE "arm64"
#else
#define THIS_ARCHITECTURE NULL
#endif

/* save.c: mydocker save [-o FILE] IMAGE, a tar of an OCI image layout. */
int save_command(int argc, char **argv);
int image_id(const char *name, char *out, size_t size);

/* inspect.c: mydocker inspect IMAGE..., docker image inspect's JSON. */
int inspect_command(int argc, char **argv);

/* docker_archive.c: docker's older archive (manifest.json) as an OCI layout. */
int docker_archive_to_layout(const char *dir, const char *to);

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
	char image[IMAGE_NAME_MAX + 1];
	char **volumes;         /* "HOST:CONTAINER:ro|rw", NULL-terminated */
	char **env;             /* the command's environment, NULL-terminated */
	char network[16];       /* --net, or "" */
	char ip[16];            /* its address there, or "" */
	char user[256];         /* -u or the image's User, for exec; "": root */
	char workdir[1024];     /* -w or the image's WorkingDir, for exec; "": / */
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
			  char *const *volumes, char *const *env);
void record_started(struct record *rec, pid_t pid);
void record_finished(struct record *rec, bool started, bool remove, int code);
int record_remove(const struct record *r);
bool record_name_taken(const char *name);
int check_name_is_free(const char *name);
int record_lookup(const char *name_or_id, char id[CONTAINER_ID_LEN + 1]);
int find_container(const char *name_or_id, char id[CONTAINER_ID_LEN + 1]);
long long process_start_time(long long pid);
void record_refresh_status(struct record *r);
bool record_is_running(struct record *r);
bool record_is_live(struct record *r);
int container_pidfd(struct record *r);
int record_list(struct record **records, size_t *n);
void record_list_free(struct record *records, size_t n);
void now_iso8601(char *out, size_t size);
void prune_records(void);

/* exec.c: mydocker exec, a command in a running container. */
int exec_command(int argc, char **argv);
int join_container(void);
void check_exec(void);
#define EXEC_PIDFD 4 /* where a command's joiner finds the container's pidfd */
int enter_namespaces(int pidfd, pid_t pid);

/* subnet.c: A.B.C.D/N, and addresses as numbers in host byte order. */
struct subnet {
	uint32_t address; /* its first, host byte order: 198.18.1.0 of 198.18.1.0/24 */
	int prefix;       /* 8 to 30 */
};
int subnet_parse(const char *text, struct subnet *s, char *error, size_t size);
uint32_t subnet_mask(const struct subnet *s);
uint32_t subnet_gateway(const struct subnet *s);
uint32_t subnet_broadcast(const struct subnet *s);
bool subnets_overlap(const struct subnet *a, const struct subnet *b);
void subnet_format(const struct subnet *s, char *out, size_t size);
void address_format(uint32_t address, char *out, size_t size);

/* ipam.c: the addresses of a network's subnet, handed out under a lock. */
int ipam_allocate(const char *network, const struct subnet *s, const char *id, const char *wanted,
		  uint32_t *address);
int ipam_release(const char *network, const char *id);
char **ipam_holders(const char *network);
void prune_addresses(void);

/* netlink.c: links, addresses and routes over rtnetlink. */
int link_add_bridge(const char *name);
int link_add_veth(const char *name, const char *peer, pid_t pid);
int link_set_up(const char *name);
int link_set_master(const char *name, const char *bridge);
bool nft_table_exists(const char *name);
int conntrack_forget(uint32_t address);
int link_delete(const char *name);
int address_add(const char *name, struct in_addr addr, int prefix);
bool overlaps_a_host_route(const struct subnet *s, char *why, size_t size);
int route_add_default(struct in_addr gateway);

/* network.c: mydocker network, and a container's veth on a bridge. */
struct network {
	char name[16];    /* also its bridge's name */
	struct subnet subnet;
};
struct connection {
	struct network network;
	char id[CONTAINER_ID_LEN + 1];
	char host_end[16]; /* the veth's end in the bridge; the other is eth0 */
	uint32_t address;
	char address_key[32], gateway_key[16]; /* for init: "198.18.1.2/24", "198.18.1.1" */
	const struct port *ports; /* -p */
	int n_ports;
	bool allocated, linked, published;
};
int network_command(int argc, char **argv);
int network_read(const char *name, struct network *n);
int network_connect(struct connection *c, const struct run_options *opts, const char *id);
int network_plug(struct connection *c, pid_t pid);
void network_init_keys(struct connection *c, struct init_config *config);
void network_record(const struct connection *c, struct record *r);
void network_disconnect(struct connection *c);
void configure_network(const struct init_config *config);
void check_network(void);
void check_network_rules(void);
void prune_links(void);

/* nat.c: a network's way out, and its isolation, in nftables' table ip
 * mydocker. */
int nat_add_network(const struct network *n);
bool nat_table_exists(void);
int nat_remove_network(const char *name, const struct subnet *subnet);
void check_nat(void);
/* ... and the ports mapped into a network (-p), in the same table. */
int parse_port(const char *text, struct port *p, char *error, size_t size);
int nat_add_ports(const char *id, const char *address, const struct port *ports, int n);
int nat_remove_ports(const char *id);
void prune_ports(void);

/* stop.c: mydocker stop, through pidfds (record.c's container_pidfd()). */
void wait_for_monitor(const struct record *r);
void stop_containers(struct record *records, size_t n, int seconds);
int stop_command(int argc, char **argv);

/* images.c: mydocker images and rmi. */
int images_command(int argc, char **argv);
int rmi_command(int argc, char **argv);

/* ps.c, logs.c, rm.c: the commands that look after containers. */
void print_ps_table(FILE *out, struct record *records, size_t n, bool all);
int print_ps_json(FILE *out, struct record *records, size_t n, bool all);
int ps_command(int argc, char **argv);
int logs_command(int argc, char **argv);
int rm_command(int argc, char **argv);

/* cgroups.c: the cgroup manager (the book's CgroupManager). One subsystem
 * per resource; on cgroup v1 each has its own hierarchy and directory, on
 * cgroup v2 they share one directory. */
enum { SUBSYSTEM_MEMORY, SUBSYSTEM_CPU, SUBSYSTEM_CPUSET, SUBSYSTEM_PIDS, SUBSYSTEM_DEVICES, N_SUBSYSTEMS };

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
	char made[N_SUBSYSTEMS][PATH_MAX];   /* the highest directory we made */
	char v2_mount[PATH_MAX];             /* v2: where the hierarchy is mounted */
	char v2_parent[PATH_MAX];            /* v2: the group all containers share */
};

int cgroup_find(struct cgroup *cg, const struct cgroup_host *host, const char *name,
		const struct resources *resources);
int cgroup_create(struct cgroup *cg);
int cgroup_set(struct cgroup *cg);
int cgroup_apply(struct cgroup *cg, pid_t pid);
int cgroup_join(pid_t pid);
uint64_t cgroup_oom_kills(const struct cgroup *cg);
int cgroup_destroy(struct cgroup *cg);
int cgroup_remove_made(const char *dir, const char *made);
void cgroup_dir_of(const char *mountinfo, const char *self_cgroup, const char *controller, char *dir, size_t size);
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

/* The subsystems (the book's Subsystem interface): memory.c, cpu.c,
 * cpuset.c, pids.c, devices.c; set_v2 NULL where v2 has no such files. */
struct subsystem {
	const char *name; /* the controller: "memory", "cpu", "cpuset" */
	bool (*wanted)(const struct resources *r);
	int (*set_v1)(const char *dir, const struct resources *r);
	int (*set_v2)(const char *dir, const struct resources *r);
};
extern const struct subsystem memory_subsystem, cpu_subsystem, cpuset_subsystem;
extern const struct subsystem pids_subsystem, devices_subsystem;
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

/* bundle.c: an OCI bundle's config.json, as this runtime applies it. */
struct bundle_mount {
	const char *destination, *type, *source;
	unsigned long flags;       /* mount(2)'s MS_* of its options */
	unsigned long propagation; /* MS_PRIVATE, MS_SHARED, ... | MS_REC; or 0 */
	char data[512];            /* the file system's options: "mode=755,size=65536k" */
};
struct bundle_rlimit {
	int resource;
	unsigned long long soft, hard;
};
struct joined_ns {
	int flag;                  /* CLONE_NEWNET, ... */
	const char *path;          /* /proc/PID/ns/net, /run/netns/NAME */
};
#define BUNDLE_MAX_MOUNTS 64
#define BUNDLE_MAX_RLIMITS 16
#define BUNDLE_MAX_GROUPS 32
#define BUNDLE_MAX_NS 8
struct bundle {
	struct cJSON *json;        /* config.json; the strings below point into it */
	char root[PATH_MAX];       /* root.path, absolute */
	bool read_only;            /* root.readonly */
	char **args, **env;        /* process.args, process.env */
	const char *cwd, *hostname;
	uid_t uid;
	gid_t gid, groups[BUNDLE_MAX_GROUPS];
	int n_groups;
	uint64_t caps[N_CAP_SETS]; /* a bit per capability */
	struct bundle_rlimit rlimits[BUNDLE_MAX_RLIMITS];
	int n_rlimits;
	bool no_new_privileges, has_oom_score;
	int oom_score_adj;
	struct bundle_mount mounts[BUNDLE_MAX_MOUNTS];
	int n_mounts;
	int namespaces;            /* the new ones, as clone(2)'s flags */
	struct joined_ns joined[BUNDLE_MAX_NS];
	int n_joined;
	char **masked, **read_only_paths; /* linux.maskedPaths, linux.readonlyPaths */
	const struct cJSON *hooks; /* hooks, or NULL */
	struct resources resources; /* linux.resources */
	const char *cgroups_path;  /* linux.cgroupsPath, or NULL */
	const struct cJSON *sysctl; /* linux.sysctl: {"net.ipv4.ip_forward": "1"}, or NULL */
	bool has_umask;
	mode_t umask;              /* process.user.umask */
	bool terminal;             /* process.terminal */
	unsigned short console_rows, console_cols; /* process.consoleSize */
};
int bundle_parse(const char *text, const char *dir, struct bundle *b, char *error, size_t size);
int bundle_read(const char *dir, struct bundle *b, char *error, size_t size);
int process_parse(const char *text, struct bundle *b, char *error, size_t size);
void bundle_free(struct bundle *b);

/* bundle_cgroup.c: the container's cgroup, from linux.resources and
 * linux.cgroupsPath; its directories kept in state.json for delete. */
int bundle_cgroup_enter(const struct bundle *b, const char *id, pid_t pid, struct cgroup *cg);
struct cJSON *bundle_cgroup_list(const struct cgroup *cg);
int bundle_cgroup_remove(const struct cJSON *list);
void mount_cgroups(const struct bundle_mount *m, const char *target, const struct resources *r);

/* sysctl.c: linux.sysctl, the kernel settings a container's own
 * namespaces hold, and only those. */
int check_sysctls(const struct bundle *b, char *error, size_t size);
void write_sysctls(const struct bundle *b);

/* bundle_mounts.c: config.json's mounts. */
int mount_options(struct bundle_mount *m, char *const *options, char *error, size_t size);
void mount_bundle_mounts(const char *root, const struct bundle *b);

/* hooks.c: config.json's hooks, the container's state on their stdin. */
int run_hooks(const struct cJSON *hooks, const char *kind, const char *state);
bool has_hooks(const struct cJSON *hooks, const char *kind);

/* bundle_console.c: process.terminal, the master to --console-socket. */
int connect_console_socket(const char *path);
void open_bundle_console(const struct bundle *b);

/* bundle_init.c: a bundle's first process; exec.fifo comes on fd 5, the
 * connection to --console-socket on fd 6, and --preserve-fds's fds from
 * fd 7 on, until the command's exec. */
#define BUNDLE_FIFO_FD 5
#define BUNDLE_CONSOLE_FD 6
#define BUNDLE_PRESERVED_FD 7
int bundle_init(void);
void take_bundle_process(const struct bundle *b);
void exec_bundle_command(struct bundle *b, int exec_fd);

/* runtime.c, runtime_create.c, runtime_state.c, runtime_spec.c: the OCI
 * runtime's command line, on bundles; state under --root. */
#define RUNTIME_ID_MAX 128
struct runtime {
	char root[PATH_MAX];       /* --root, or MYDOCKER_RUN/runtime */
};
struct container_state {
	char dir[PATH_MAX];        /* ROOT/ID */
	struct cJSON *json;        /* its state.json */
	pid_t pid;
	long long pid_start;
	char status[16];           /* "created", "running", "stopped" */
};
/* create's flags */
struct create_options {
	const char *bundle, *pid_file;
	const char *console;       /* --console-socket */
	bool no_pivot;             /* --no-pivot: MS_MOVE and chroot(2) */
	int preserve_fds;          /* --preserve-fds N: the caller's fds 3.. */
};
bool is_runtime_call(int argc, char **argv);
int console_for(const struct bundle *b, const char *console);
int runtime_main(int argc, char **argv);
pid_t runtime_create(const struct runtime *rt, const char *id, const struct create_options *o);
int runtime_start(const struct runtime *rt, const char *id);
void run_state_hooks(const struct container_state *s, const char *kind, const char *status);
struct cJSON *state_object(const char *id, const char *bundle, pid_t pid, const struct bundle *b);
int state_write(const char *dir, const struct cJSON *state);
char *hook_state(const struct cJSON *state, const char *status);
int state_read(const struct runtime *rt, const char *id, struct container_state *s);
int runtime_state(const struct runtime *rt, const char *id);
int live_pidfd(const char *id, const struct container_state *s);
void print_runtime_usage(FILE *out);
int runtime_documents(int argc, char **argv);

/* runtime_exec.c: exec, another process in a container; bundle-exec,
 * which joins it: its pid comes back on fd 5. */
#define EXEC_REPORT_FD 5
struct exec_request {
	const char *process, *pid_file, *console, *cwd; /* --process, --pid-file, --console-socket, --cwd */
	bool detach, tty;          /* --detach, --tty */
	char **args;               /* after the id: the command, without --process */
};
int runtime_exec(const struct runtime *rt, const char *id, const struct exec_request *req);
int bundle_exec(void);

/* runtime_ps.c: the processes of a container, for ps and kill --all. */
pid_t *container_pids(pid_t first, size_t *n);
int runtime_ps(const struct runtime *rt, const char *id, const char *format, char **ps_args);

#endif
