/* common/proctitle.h: process titles as ps shows them. Runs in: main, sec-mod. */
#ifndef COMMON_PROCTITLE_H
#define COMMON_PROCTITLE_H

/* Remember the argv area; call once at the top of main(). */
void proctitle_init(int argc, char **argv);
/* Sets both the kernel comm name (15 chars) and the argv text ps prints. */
void proctitle_set(const char *title);

#endif /* COMMON_PROCTITLE_H */
