/*
 * doorstep.h — the stable C ABI of Doorstep.
 *
 * This is the only interface that mobile shells (JNI on Android, Swift on iOS) and the
 * `doorstep` command-line tool see. Everything a phone can do is reachable through it.
 *
 * Conventions, for every function declared here and in the headers it includes:
 *  - Names are prefixed `ds_` and then by their concept (`ds_form_`, `ds_store_`, ...).
 *  - A function that can fail takes a trailing `ds_error* out_error` and signals failure by
 *    its return value (false, NULL or a negative number, as documented). On failure it fills
 *    *out_error if out_error is not NULL; on success it leaves *out_error untouched.
 *  - No function lets a C++ exception escape: the implementation turns every exception into
 *    a ds_error.
 *  - Ownership: a returned `char*` or other pointer is owned by the caller and must be
 *    released with ds_free() unless its documentation says "borrowed". `const char*`
 *    arguments are borrowed for the duration of the call only. Strings are UTF-8 and
 *    NUL-terminated. Structured results are UTF-8 JSON texts, documented per function.
 *  - Opaque handles (`ds_form_session*`, `ds_store*`, ...) are freed with their own
 *    `_free` function, never with ds_free().
 *
 * Thread-safety: functions without a handle are safe to call from any thread. A handle may
 * be used from one thread at a time; use different handles on different threads.
 */
#ifndef DOORSTEP_H
#define DOORSTEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define DS_NOEXCEPT noexcept
extern "C" {
#else
#define DS_NOEXCEPT
#endif

#define DS_API __attribute__((visibility("default")))

/* ---- Errors --------------------------------------------------------------------------- */

/* Where an error code comes from. */
typedef enum ds_error_domain {
  DS_DOMAIN_DOORSTEP = 1, /* codes are DS_ERR_* below */
  DS_DOMAIN_POSIX = 2,    /* codes are errno values */
  DS_DOMAIN_SQLITE = 3,   /* codes are SQLite extended result codes */
  DS_DOMAIN_OPENSSL = 4,  /* codes are OpenSSL reason codes */
  DS_DOMAIN_NETWORK = 5   /* codes are DS_NET_* values (see the sync headers) */
} ds_error_domain;

/* Codes in DS_DOMAIN_DOORSTEP. */
typedef enum ds_error_code {
  DS_ERR_INVALID_ARGUMENT = 1,
  DS_ERR_NOT_FOUND = 2,
  DS_ERR_INVALID_FORM = 3,
  DS_ERR_INVALID_EXPRESSION = 4,
  DS_ERR_CORRUPT = 5,
  DS_ERR_UNSUPPORTED_VERSION = 6,
  DS_ERR_BAD_SIGNATURE = 7,
  DS_ERR_OUT_OF_SCOPE = 8,
  DS_ERR_BUSY = 9,
  DS_ERR_IO = 10,
  DS_ERR_CONFLICT = 11,
  DS_ERR_NOT_IMPLEMENTED = 12,
  DS_ERR_UNAUTHORIZED = 13,
  DS_ERR_INTERNAL = 14
} ds_error_code;

/* An error value. `internal_info` identifies the message kept by the library; treat it as
 * opaque. A zero-initialised ds_error means "no error". */
typedef struct ds_error {
  int32_t domain; /* a ds_error_domain, or 0 for no error */
  int32_t code;
  int32_t internal_info;
} ds_error;

/* The error's message, naming what failed and where (field, line, byte offset).
 * Returns a string the caller frees with ds_free(); never NULL (an unknown or expired
 * error still gets a generic message naming its domain and code). */
DS_API char* ds_error_message(const ds_error* error) DS_NOEXCEPT;

/* True if the operation may succeed when retried later (e.g. a busy database or a dropped
 * connection); false for permanent failures and for NULL. */
DS_API bool ds_error_is_transient(const ds_error* error) DS_NOEXCEPT;

/* ---- Memory and version --------------------------------------------------------------- */

/* Releases memory returned by this library (strings, byte buffers). NULL is allowed. */
DS_API void ds_free(void* ptr) DS_NOEXCEPT;

/* The library version, e.g. "0.1.0". Borrowed: a static string, never freed. */
DS_API const char* ds_version(void) DS_NOEXCEPT;

#ifdef __cplusplus
}
#endif

/* The concepts, one header each. */
#include "doorstep_expr.h"  /* expressions of the form language */
#include "doorstep_forms.h" /* form definitions and form sessions */
#include "doorstep_store.h" /* the device's local store: households, visits, conflicts */
#include "doorstep_sync.h"  /* enrollment, sync sessions, bundle files */
#include "doorstep_monitoring.h" /* warnings, cases, tasks, measures */

#endif /* DOORSTEP_H */
