// Files for the county commands.
#include "county_cli.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>

namespace doorstep::server {

std::filesystem::path data_dir(const cli::Args& args) {
  return args.required("data");
}

std::string read_input_file(const std::filesystem::path& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw cli::Failure("cannot read " + what + " '" + path.string() + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void write_output_file(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::path temp = path.string() + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw cli::Failure("cannot create '" + temp.string() + "': " + std::strerror(errno));
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
            ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok) throw cli::Failure("cannot write '" + temp.string() + "': " + std::strerror(saved));
  std::filesystem::rename(temp, path);
}

void write_output_stream(const std::filesystem::path& path,
                         const std::function<void(std::ostream&)>& write) {
  std::filesystem::path temp = path.string() + ".tmp";
  try {
    {
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      if (!out)
        throw cli::Failure("cannot create '" + temp.string() + "': " + std::strerror(errno));
      write(out);
      out.flush();
      if (!out) throw cli::Failure("cannot write '" + temp.string() + "'");
    }
    // The bytes are on disk before the name points at them.
    int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
    bool synced = fd >= 0 && ::fsync(fd) == 0;
    int saved = errno;
    if (fd >= 0) ::close(fd);
    if (!synced) throw cli::Failure("cannot sync '" + temp.string() + "': " + std::strerror(saved));
    std::filesystem::rename(temp, path);
  } catch (...) {
    std::error_code ignored;  // the failure being reported matters, not the cleanup's
    std::filesystem::remove(temp, ignored);
    throw;
  }
}

void write_output_path(const std::filesystem::path& path,
                       const std::function<void(const std::filesystem::path& temp)>& write) {
  std::filesystem::path temp = path.string() + ".tmp";
  int created = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (created < 0)
    throw cli::Failure("cannot create '" + temp.string() + "': " + std::strerror(errno));
  ::close(created);
  try {
    write(temp);
    int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
    bool synced = fd >= 0 && ::fsync(fd) == 0;
    int saved = errno;
    if (fd >= 0) ::close(fd);
    if (!synced) throw cli::Failure("cannot sync '" + temp.string() + "': " + std::strerror(saved));
    std::filesystem::rename(temp, path);
  } catch (...) {
    std::error_code ignored;  // the failure being reported matters, not the cleanup's
    std::filesystem::remove(temp, ignored);
    throw;
  }
}

}  // namespace doorstep::server
