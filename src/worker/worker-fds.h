/* worker/worker-fds.h: where main leaves a worker's descriptors across exec. Runs in: main, worker. */
#ifndef WORKER_WORKER_FDS_H
#define WORKER_WORKER_FDS_H

#define WORKER_FD_MAIN 3        /* SOCK_SEQPACKET channel to main */
#define WORKER_FD_CLIENT 4      /* the accepted TCP connection */

#endif /* WORKER_WORKER_FDS_H */
