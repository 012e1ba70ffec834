// Helpers shared by doorstep-server's county commands (cmd_county*.cpp): the --data folder,
// reading input files and writing output files whole (temporary file + rename, so a reader
// never sees half a bundle or enrollment file).
#pragma once

#include <filesystem>
#include <functional>
#include <ostream>
#include <string>

#include "command.h"

namespace doorstep::server {

// The --data DIR option (required).
std::filesystem::path data_dir(const cli::Args& args);
std::string read_input_file(const std::filesystem::path& path, const std::string& what);
void write_output_file(const std::filesystem::path& path, const std::string& content);
// Streams a file: `write` fills PATH.tmp, which is synced and renamed to `path` when it
// returns. If `write` or the file fails, PATH.tmp is removed and the error propagates: no
// half file is left under either name.
void write_output_stream(const std::filesystem::path& path,
                         const std::function<void(std::ostream&)>& write);
// The same for a writer that wants a file name (a library writing the file itself): PATH.tmp
// is created first (so an unwritable place fails before any work), `write` fills it by name,
// and it is synced and renamed to `path` when `write` returns; removed if anything fails.
void write_output_path(const std::filesystem::path& path,
                       const std::function<void(const std::filesystem::path& temp)>& write);

}  // namespace doorstep::server
