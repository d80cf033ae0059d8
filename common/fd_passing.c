/* fd_passing.c: an open file descriptor sent from one process to another
 * over a unix socket (unix(7), SCM_RIGHTS in cmsg(3)). The receiver gets a
 * new fd for the same open file, as if it had been dup(2)'d across. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "common.h"

/* The fd travels in a control message beside one byte of data: a message
 * needs some data, and a read of 0 bytes then means the sender is gone. */
int send_fd(int socket, int fd)
{
	char byte = 'F';
	char control[CMSG_SPACE(sizeof fd)];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control, .msg_controllen = sizeof control };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(control, 0, sizeof control);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof fd);
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	while (sendmsg(socket, &msg, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* The fd, close-on-exec, or -1: with ECONNRESET when the sender closed its
 * end without sending one. */
int receive_fd(int socket)
{
	char byte, control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control, .msg_controllen = sizeof control };
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	while ((n = recvmsg(socket, &msg, MSG_CMSG_CLOEXEC)) < 0)
		if (errno != EINTR)
			return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (n == 0 || !c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof fd)) {
		errno = ECONNRESET;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof fd);
	return fd;
}
