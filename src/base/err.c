/* Status codes and diagnostics (include/medcode/base.h). */
#include "medcode/base.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *mc_strerror(int rc)
{
    switch (rc) {
    case MC_OK: return "success";
#define X(name, val, msg) \
    case MC_E##name: return msg;
        MC_ERRNO_MAP(X)
#undef X
    default: return "unknown error";
    }
}

const char *mc_errname(int rc)
{
    switch (rc) {
    case MC_OK: return "MC_OK";
#define X(name, val, msg) \
    case MC_E##name: return "MC_E" #name;
        MC_ERRNO_MAP(X)
#undef X
    default: return "MC_EUNKNOWN";
    }
}

int mc_diag_set(mc_diag *diag, int rc, const char *fmt, ...)
{
    if (diag) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(diag->msg, sizeof diag->msg, fmt, ap);
        va_end(ap);
    }
    return rc;
}

const char *mc_version(void) { return "0.1.0"; }
