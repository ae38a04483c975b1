/* tests/fuzz/replay-main.c: replay a libFuzzer corpus without libFuzzer. Runs in: make check. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;
	int rc = -1;

	if (f == NULL)
		return -1;
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		goto out;
	/* malloc(0) may return NULL; always ask for one byte more */
	buf = malloc((size_t)len + 1);
	if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len)
		goto out;
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	rc = 0;
out:
	free(buf);
	fclose(f);
	return rc;
}

static int replay_path(const char *path, unsigned *count)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	char sub[4096];
	int rc = 0;

	if (stat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	d = opendir(path);
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (replay_path(sub, count) != 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int i, rc = 0;

	for (i = 1; i < argc; i++)
		if (replay_path(argv[i], &count) != 0) {
			fprintf(stderr, "replay: cannot read %s\n", argv[i]);
			rc = 1;
		}
	printf("replayed %u inputs\n", count);
	return rc;
}
