// The ds_store handle behind the opaque pointer of doorstep_store.h, for the C ABI files that
// take one (store.cpp, sync_status.cpp). Owned by the caller, freed with ds_store_free.
#pragma once

#include "client-lib/include/doorstep.h"
#include "core/store/store.h"

struct ds_store {
  doorstep::store::Store store;
};
