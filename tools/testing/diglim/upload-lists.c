// SPDX-License-Identifier: GPL-2.0
/*
 * DIGLIM - the benchmark's loader: write the path of each list to a DIGLIM
 * upload entry (digest_list_add or digest_list_del), one write() per list
 * on one open file, as a boot script or a package manager hook would.
 *
 * Usage: upload-lists ENTRY PATH...   (PATHs absolute)
 *
 * No library beyond libc: under QEMU TCG, starting diglimctl (libcrypto,
 * libtss2) costs more than loading a thousand small lists.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd, i;

	if (argc < 2) {
		fprintf(stderr, "usage: upload-lists ENTRY PATH...\n");
		return 2;
	}

	fd = open(argv[1], O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "upload-lists: %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}

	for (i = 2; i < argc; i++) {
		size_t len = strlen(argv[i]);
		ssize_t n = write(fd, argv[i], len);

		if (n < 0 || (size_t)n != len) {
			fprintf(stderr, "upload-lists: %s: %s\n", argv[i],
				n < 0 ? strerror(errno) : "short write");
			return 1;
		}
	}

	return close(fd) ? 1 : 0;
}
