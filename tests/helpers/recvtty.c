/* recvtty.c: the far end of --console-socket, as containerd's shim,
 * podman's conmon and runc's contrib/cmd/recvtty are. It listens on a
 * unix socket, takes the pty master a runtime sends over it (SCM_RIGHTS,
 * cmsg(3)), types INPUT into it, and copies what the container writes
 * to stdout until the container's side of the pty is gone (read(2) of
 * the master fails with EIO).  usage: recvtty SOCKET [INPUT] */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int receive_master(int conn)
{
	char byte, control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			      .msg_controllen = sizeof control };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(conn, &msg, 0) <= 0 || !(c = CMSG_FIRSTHDR(&msg)) || c->cmsg_type != SCM_RIGHTS)
		die("receive the master");
	memcpy(&fd, CMSG_DATA(c), sizeof fd);
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char buf[4096];
	ssize_t n;
	int sock, conn, master;

	if (argc < 2 || strlen(argv[1]) >= sizeof addr.sun_path) {
		fprintf(stderr, "usage: recvtty SOCKET [INPUT]\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	if (sock < 0 || bind(sock, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(sock, 1) < 0)
		die(argv[1]);
	if ((conn = accept(sock, NULL, NULL)) < 0)
		die("accept");
	master = receive_master(conn);
	close(conn);
	if (argc > 2 && write(master, argv[2], strlen(argv[2])) < 0)
		die("type the input");
	while ((n = read(master, buf, sizeof buf)) > 0)
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			die("stdout");
	return 0;
}
