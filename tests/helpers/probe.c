/* probe: a small static program the tests run inside containers, to ask
 * questions from inside that a shell pipeline answers badly.
 *
 *   probe fds            the open file descriptors, "0 1 2"
 *   probe args ARG...    each argument as "length hash escaped-start"
 *   probe hog SIZE       allocate SIZE (100m, 1g) and touch every page
 *   probe mountflags DIR the flags of the mount at DIR (ro nosuid nodev noexec)
 *   probe trap           print "ready", exit 100+N on signal N (INT/TERM/HUP)
 *   probe sleep SECONDS  sleep
 *   probe climb DIR      climb out of a chroot(2) and count DIR's entries
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

static int list_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	int self, first = 1;

	if (!dir) {
		perror("probe: /proc/self/fd");
		return 1;
	}
	self = dirfd(dir);
	/* readdir order is not sorted; fds are small, so check 0..1023 */
	int open_fds[1024] = { 0 };
	while ((e = readdir(dir)) != NULL) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] != '.' && fd != self && fd < 1024)
			open_fds[fd] = 1;
	}
	closedir(dir);
	for (int fd = 0; fd < 1024; fd++) {
		if (open_fds[fd]) {
			printf(first ? "%d" : " %d", fd);
			first = 0;
		}
	}
	printf("\n");
	return 0;
}

static uint64_t fnv1a(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static int print_args(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		size_t len = strlen(argv[i]);
		printf("%zu %016llx ", len, (unsigned long long)fnv1a(argv[i], len));
		for (size_t j = 0; j < len && j < 40; j++) {
			unsigned char c = (unsigned char)argv[i][j];
			if (c < 32 || c > 126 || c == '\\')
				printf("\\x%02x", c);
			else
				putchar(c);
		}
		putchar('\n');
	}
	return 0;
}

static int hog(const char *size)
{
	char *end;
	unsigned long long n = strtoull(size, &end, 10);

	if (*end == 'k')
		n <<= 10;
	else if (*end == 'm')
		n <<= 20;
	else if (*end == 'g')
		n <<= 30;
	for (unsigned long long done = 0; done < n; done += 1 << 20) {
		char *p = malloc(1 << 20);
		if (!p) {
			fprintf(stderr, "probe: out of memory after %llu bytes\n", done);
			return 1;
		}
		memset(p, 1, 1 << 20);
	}
	printf("allocated %s\n", size);
	return 0;
}

static int mount_flags(const char *dir)
{
	struct statvfs st;

	if (statvfs(dir, &st) < 0) {
		perror("probe: statvfs");
		return 1;
	}
	printf("%s %s %s %s\n", st.f_flag & ST_RDONLY ? "ro" : "rw",
	       st.f_flag & ST_NOSUID ? "nosuid" : "suid",
	       st.f_flag & ST_NODEV ? "nodev" : "dev",
	       st.f_flag & ST_NOEXEC ? "noexec" : "exec");
	return 0;
}

static void exit_on_signal(int sig)
{
	_exit(100 + sig);
}

static _Noreturn void trap_signals(void)
{
	signal(SIGINT, exit_on_signal);
	signal(SIGTERM, exit_on_signal);
	signal(SIGHUP, exit_on_signal);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

/* chroot(2)'s NOTES: a root process climbs out of a chroot by going
 * into another one below its cwd, then up past it with "..", which stops
 * only at the root of the mount namespace. Prints "N entries, P pids" of
 * DIR as seen from where the climb ended. */
static int climb(const char *dir)
{
	DIR *d;
	struct dirent *e;
	int entries = 0, pids = 0;

	if (chroot("/bin") < 0) {
		perror("probe: chroot /bin");
		return 1;
	}
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			break;
	if (chroot(".") < 0 || !(d = opendir(dir))) {
		perror("probe: climb");
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		entries++;
		pids += e->d_name[0] >= '1' && e->d_name[0] <= '9';
	}
	closedir(d);
	printf("%d entries, %d pids\n", entries, pids);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "fds") == 0)
		return list_fds();
	if (argc >= 2 && strcmp(argv[1], "args") == 0)
		return print_args(argc - 2, argv + 2);
	if (argc == 3 && strcmp(argv[1], "hog") == 0)
		return hog(argv[2]);
	if (argc == 3 && strcmp(argv[1], "mountflags") == 0)
		return mount_flags(argv[2]);
	if (argc == 2 && strcmp(argv[1], "trap") == 0)
		trap_signals();
	if (argc == 3 && strcmp(argv[1], "sleep") == 0) {
		sleep((unsigned)atoi(argv[2]));
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "climb") == 0)
		return climb(argv[2]);
	fprintf(stderr, "usage: probe fds | args ARG... | hog SIZE | mountflags DIR | trap | sleep SECONDS | climb DIR\n");
	return 2;
}
