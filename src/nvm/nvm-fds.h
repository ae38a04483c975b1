/* nvm/nvm-fds.h: where main leaves ocserv-nvm's descriptors across exec. Runs in: main, ocserv-nvm. */
#ifndef NVM_NVM_FDS_H
#define NVM_NVM_FDS_H

#define NVM_FD_MAIN 3           /* SOCK_SEQPACKET channel from main (NvmSession, NvmCtl) */
#define NVM_FD_CONFIG 4         /* main's sealed configuration snapshot (memfd) */

#endif /* NVM_NVM_FDS_H */
