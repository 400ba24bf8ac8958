/*
** replay.c: runs every saved fuzz input through its harness, without
** libFuzzer, as part of `make test` (and so under ASan+UBSan in `make check`).
**
**   test_fuzz_replay [DIR]      DIR defaults to $FUZZ_DIR, else tests/fuzz
**
** For each target of FUZZ_LIST (fuzz.h) it reads DIR/<target>/seeds/ (which
** must hold at least one file), corpus/ and crashes/.  The files of one
** directory run in one child process, each from an exactly sized heap copy
** and with a time limit; if that child fails (a crash, a sanitizer report, a
** failed FUZZ_ASSERT, a leak found by LeakSanitizer at its exit, a hang),
** each file of the directory runs again in a child of its own, so that
** exactly the guilty files fail and the others still pass.  The last line
** is "N passed, N failed".
*/
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TIME_LIMIT 10 /* seconds per input (libFuzzer -timeout in run.sh) */

struct target {
	const char *name;
	int (*fn)(const uint8_t *, size_t);
};

#define FUZZ_ENTRY_(name) {#name, fuzz_##name},
static const struct target targets[] = {FUZZ_LIST(FUZZ_ENTRY_)};
#undef FUZZ_ENTRY_

static int passed, failed;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads path whole into an exactly sized buffer; -1 on error. */
static int read_file(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			uint8_t *b2 = realloc(buf, cap *= 2);
			if (!b2)
				free(buf);
			buf = b2;
		}
	}
	int err = ferror(f);
	fclose(f);
	if (!buf || err) {
		free(buf);
		return -1;
	}
	/* Exactly sized, so that a read past the end is caught. */
	*data = malloc(n ? n : 1);
	if (!*data) {
		free(buf);
		return -1;
	}
	memcpy(*data, buf, n);
	free(buf);
	*size = n;
	return 0;
}

/* Runs paths[0..n) through fn in one child; 1 if it exited cleanly.  With
** quiet, the child's stderr is discarded (the files are run again one by
** one if it fails, and those runs speak). */
static int run_child(const struct target *t, char **paths, size_t n, int quiet)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "fork: %s\n", strerror(errno));
		return 0;
	}
	if (pid == 0) {
		if (quiet && !freopen("/dev/null", "w", stderr))
			_exit(3);
		for (size_t i = 0; i < n; i++) {
			uint8_t *data;
			size_t size;
			if (read_file(paths[i], &data, &size) != 0) {
				fprintf(stderr, "%s: cannot read\n", paths[i]);
				_exit(2);
			}
			alarm(TIME_LIMIT);
			t->fn(data, size);
			alarm(0);
			free(data);
		}
		exit(0); /* exit, not _exit: LeakSanitizer checks at exit */
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "waitpid: %s\n", strerror(errno));
			return 0;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 1;
	if (quiet)
		return 0;
	if (WIFSIGNALED(status))
		fprintf(stderr, "FAIL %s: killed by signal %d%s\n", paths[0], WTERMSIG(status),
		        WTERMSIG(status) == SIGALRM ? " (over the time limit)" : "");
	else
		fprintf(stderr, "FAIL %s: exit status %d\n", paths[0], WEXITSTATUS(status));
	return 0;
}

/* Replays every regular file in dir; returns how many, or -1 if dir cannot
** be opened. */
static long replay_dir(const struct target *t, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "README.md"))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			char **n2 = realloc(names, cap * sizeof *names);
			if (!n2)
				abort();
			names = n2;
		}
		names[n] = strdup(e->d_name);
		if (!names[n])
			abort();
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	char **paths = malloc((n ? n : 1) * sizeof *paths);
	if (!paths)
		abort();
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		char path[8192];
		struct stat st;
		snprintf(path, sizeof path, "%.4000s/%.4000s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (paths[count] = strdup(path)))
			count++;
		free(names[i]);
	}
	if (count && run_child(t, paths, count, 1)) {
		passed += (int)count;
	} else {
		for (size_t i = 0; i < count; i++) {
			if (run_child(t, &paths[i], 1, 0))
				passed++;
			else
				failed++;
		}
	}
	for (size_t i = 0; i < count; i++)
		free(paths[i]);
	free(paths);
	free(names);
	return (long)count;
}

int main(int argc, char **argv)
{
	const char *root = argc > 1 ? argv[1] : getenv("FUZZ_DIR");
	if (!root)
		root = "tests/fuzz";
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		const struct target *t = &targets[i];
		char dir[4000];
		long n[3];
		static const char *const subdirs[] = {"seeds", "corpus", "crashes"};
		for (int k = 0; k < 3; k++) {
			snprintf(dir, sizeof dir, "%s/%s/%s", root, t->name, subdirs[k]);
			n[k] = replay_dir(t, dir);
		}
		if (n[0] <= 0) {
			fprintf(stderr, "FAIL %s/%s/seeds: no seed files (run from the repository "
			        "root, or pass the tests/fuzz directory)\n", root, t->name);
			failed++;
		}
		printf("fuzz %-10s %ld seeds, %ld corpus, %ld crash inputs replayed\n", t->name,
		       n[0] < 0 ? 0 : n[0], n[1] < 0 ? 0 : n[1], n[2] < 0 ? 0 : n[2]);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
