/*
 * doorstep_expr.h — part of the Doorstep C ABI; include doorstep.h, not this file.
 * Conventions (errors, ownership, thread-safety) are described at the top of doorstep.h.
 */
#ifndef DOORSTEP_EXPR_H
#define DOORSTEP_EXPR_H

#ifndef DOORSTEP_H
#error "include doorstep.h instead of doorstep_expr.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* DOORSTEP_EXPR_H */
