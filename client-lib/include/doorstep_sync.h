/*
 * doorstep_sync.h — part of the Doorstep C ABI; include doorstep.h, not this file.
 * Conventions (errors, ownership, thread-safety) are described at the top of doorstep.h.
 */
#ifndef DOORSTEP_SYNC_H
#define DOORSTEP_SYNC_H

#ifndef DOORSTEP_H
#error "include doorstep.h instead of doorstep_sync.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* DOORSTEP_SYNC_H */
