/* common/proctitle.c: rewrite argv in place so ps shows our role. Runs in: main, sec-mod. */
#include <string.h>
#include <sys/prctl.h>

#include "proctitle.h"

static char *title_start;
static size_t title_room;

void proctitle_init(int argc, char **argv)
{
	char *end;

	if (argc < 1 || argv[0] == NULL)
		return;
	/* argv strings are contiguous; only reuse that span, never environ */
	end = argv[0] + strlen(argv[0]) + 1;
	for (int i = 1; i < argc && argv[i] == end; i++)
		end = argv[i] + strlen(argv[i]) + 1;
	title_start = argv[0];
	title_room = (size_t)(end - argv[0]);
}

void proctitle_set(const char *title)
{
	prctl(PR_SET_NAME, title, 0, 0, 0);
	if (title_start == NULL || title_room < 2)
		return;
	memset(title_start, 0, title_room);
	strncpy(title_start, title, title_room - 1);
}
