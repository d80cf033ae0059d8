/* runtime_spec.c: what the runtime says about itself: its usage, `spec`
 * (a config.json to start a bundle from) and `features` (what of the
 * runtime spec it implements, as runc's features command prints it). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

void print_runtime_usage(FILE *out)
{
	fprintf(out, "Usage: mydocker [--root DIR] [--log FILE] [--log-format text|json] COMMAND ...\n\n"
		     "The OCI runtime's commands, on a bundle (a directory with config.json):\n"
		     "  create [--bundle DIR] [--pid-file FILE] ID   make the container; its command waits\n"
		     "         [--no-pivot] [--preserve-fds N]       (chroot, not pivot_root; fds 3.. go on)\n"
		     "  start ID                                     run the created container's command\n"
		     "  state ID                                     print its state as JSON\n"
		     "  kill [--all] ID [SIGNAL]                     send it a signal (SIGTERM)\n"
		     "  delete [--force] ID                          forget a stopped container\n"
		     "  run [--bundle DIR] [--pid-file FILE] ID      create, start, wait, delete\n"
		     "  spec [--bundle DIR]                          write a config.json to start from\n"
		     "  features                                     what of the runtime spec it implements\n");
}

/* What `spec` writes: a busybox in rootfs/, read-only, with runc's
 * capabilities, mounts, masked and read-only paths; no terminal. */
static const char default_spec[] =
	"{\n  \"ociVersion\": \"1.0.2\",\n"
	"  \"process\": {\n    \"terminal\": false,\n    \"user\": { \"uid\": 0, \"gid\": 0 },\n"
	"    \"args\": [ \"sh\" ],\n"
	"    \"env\": [ \"PATH=" DEFAULT_PATH "\", \"TERM=xterm\" ],\n    \"cwd\": \"/\",\n"
	"    \"capabilities\": {\n"
	"      \"bounding\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
	"      \"effective\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
	"      \"permitted\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ]\n    },\n"
	"    \"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024 } ],\n"
	"    \"noNewPrivileges\": true\n  },\n"
	"  \"root\": { \"path\": \"rootfs\", \"readonly\": true },\n  \"hostname\": \"mydocker\",\n"
	"  \"mounts\": [\n"
	"    { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
	"    { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
	"      \"options\": [ \"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\" ] },\n"
	"    { \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
	"      \"options\": [ \"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\", \"gid=5\" ] },\n"
	"    { \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\",\n"
	"      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\" ] },\n"
	"    { \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\",\n"
	"      \"options\": [ \"nosuid\", \"noexec\", \"nodev\" ] },\n"
	"    { \"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\",\n"
	"      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"ro\" ] }\n  ],\n"
	"  \"linux\": {\n"
	"    \"namespaces\": [ { \"type\": \"pid\" }, { \"type\": \"network\" }, { \"type\": \"ipc\" },\n"
	"                    { \"type\": \"uts\" }, { \"type\": \"mount\" } ],\n"
	"    \"maskedPaths\": [ \"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\",\n"
	"      \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\", \"/proc/sched_debug\",\n"
	"      \"/sys/firmware\", \"/proc/scsi\" ],\n"
	"    \"readonlyPaths\": [ \"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\" ]\n"
	"  }\n}\n";

static const char features[] =
	"{\n  \"ociVersionMin\": \"1.0.0\",\n  \"ociVersionMax\": \"1.0.2\",\n  \"hooks\": [],\n"
	"  \"linux\": {\n    \"namespaces\": [ \"pid\", \"network\", \"mount\", \"ipc\", \"uts\", \"cgroup\" ]\n  }\n}\n";

/* spec: a new config.json, never over one that is there (runc's rule). */
static int write_spec(const char *bundle)
{
	char path[PATH_MAX];
	int fd;

	if (path_printf(path, sizeof path, "%s/config.json", bundle) < 0)
		return EXIT_MYDOCKER;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || write_all(fd, default_spec, strlen(default_spec)) < 0) {
		error_errno("spec: write %s", path);
		if (fd >= 0)
			close(fd);
		return EXIT_MYDOCKER;
	}
	close(fd);
	return 0;
}

int runtime_documents(int argc, char **argv)
{
	const char *bundle = ".";
	const struct flag flags[] = { { "--bundle", 'b', NULL, &bundle }, { NULL, 0, NULL, NULL } };
	int code, i = command_flags(argc, argv, flags, print_runtime_usage, &code);

	if (i < 0)
		return code;
	if (i != argc) {
		error_msg("%s: unexpected argument %s", argv[0], argv[i]);
		return EXIT_MYDOCKER;
	}
	if (strcmp(argv[0], "spec") == 0)
		return write_spec(bundle);
	fputs(features, stdout);
	return 0;
}
