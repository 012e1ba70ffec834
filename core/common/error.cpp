#include "core/common/error.h"

namespace doorstep {

const char* version() noexcept {
  return DOORSTEP_VERSION_STRING;
}

}  // namespace doorstep
