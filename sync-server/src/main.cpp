// doorstep-server: the county server's command-line entry point.
#include <cstring>
#include <iostream>

#include "core/common/error.h"

int main(int argc, char** argv) {
  if (argc >= 2 && (std::strcmp(argv[1], "--version") == 0)) {
    std::cout << "doorstep-server " << doorstep::version() << "\n";
    return 0;
  }
  std::cerr << "doorstep-server: not yet implemented\n";
  return 2;
}
