/* nvm/nvm-sandbox.h: give up root, then a seccomp allow-list. Runs in: ocserv-nvm. */
#ifndef NVM_NVM_SANDBOX_H
#define NVM_NVM_SANDBOX_H

#include "common/cfg.h"

/* setuid/setgid to run-as-user/-group (no-op when not root) */
int nvm_drop_privileges(const struct cfg *cfg);
/* kill the process on any syscall outside the list; call after every open */
int nvm_seccomp(void);

#endif /* NVM_NVM_SANDBOX_H */
