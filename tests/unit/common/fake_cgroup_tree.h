/* fake_cgroup_tree.h: a cgroup tree of plain directories and files in a
 * temp dir, for the unit tests of the cgroup code (test_cgroup_fake_tree.c,
 * test_bundle_resources.c include it, after cmocka.h, common.h and
 * mydocker.h). The test plays the kernel: it makes the files a cgroup
 * would have (fake_file), and reads back what mydocker wrote
 * (expect_file). fake is the host cgroup_find() reads: mountinfo and
 * /proc/self/cgroup as files in top. setup and teardown make and remove
 * top around each test. */
#ifndef FAKE_CGROUP_TREE_H
#define FAKE_CGROUP_TREE_H

static char top[64];
static char mountinfo_path[PATH_MAX], self_cgroup_path[PATH_MAX];
static const struct cgroup_host fake = { mountinfo_path, self_cgroup_path };

/* fake_file(dir, name, text): creates dir/name holding text */
static void fake_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void expect_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX * 2], buf[256];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_true(read_file(path, buf, sizeof buf) >= 0);
	assert_string_equal(buf, text);
}

static int setup(void **state)
{
	(void)state;
	strcpy(top, "/tmp/mydocker-fake-cgroup.XXXXXX");
	if (!mkdtemp(top))
		return -1;
	snprintf(mountinfo_path, sizeof mountinfo_path, "%s/mountinfo", top);
	snprintf(self_cgroup_path, sizeof self_cgroup_path, "%s/self_cgroup", top);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return remove_tree(top);
}

#endif
