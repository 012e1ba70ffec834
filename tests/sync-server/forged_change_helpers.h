// Changes a dishonest device could send: signed with a real device's own key (read back from
// its database and key secret file, as a tampered build of the app could), stating whatever
// household and grid the test wants; and pushing them to a live server as that device.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/sync/change.h"
#include "core/sync/messages.h"
#include "tests/sync-server/live_server_helpers.h"

namespace doorstep::test {

// A set op on a household field.
sync::Op set_household_field(const std::string& household, const std::string& field,
                             const nlohmann::json& value);
// The create op of a household at `grid`.
sync::Op create_household(const std::string& household, const std::string& grid);

// A change of `household` stating `grid`, signed by the device of `db` (made by `doorstep
// init`, its key secret in DB.secret) under a seq it has not used.
sync::SignedChange forge_change(const std::filesystem::path& db, const std::string& household,
                                const std::string& grid, std::vector<sync::Op> ops);

// POST /v1/sync/push of `changes` as batch `batch`, signed as the device of `db`; returns the
// server's ack (the request body is written to `scratch`).
sync::AckMessage push_as(const LiveServer& server, const std::filesystem::path& db,
                         const std::string& batch, const std::vector<sync::SignedChange>& changes,
                         const std::filesystem::path& scratch);

}  // namespace doorstep::test
