// sqlite_limit_bench: the physical limit the store is compared against — raw SQLite inserts of
// the synthetic county's households in one transaction, with no op log, no merge, no signing.
//
//   sqlite_limit_bench --households FILE.jsonl --dir TMPDIR [--village PREFIX]
//
// Prints one JSON object on stdout:
//   record_households_per_s  one row per household + one per member (answers as JSON text),
//                            all in one transaction, WAL, synchronous=FULL, committed;
//   field_households_per_s   one row per answered field (record id, field, value), the shape
//                            of a field-level store, same settings;
//   village_insert_s         the households under PREFIX inserted as record rows into an
//                            empty file (the floor for "pull a village into an empty device").
// The JSON lines are parsed before any clock starts: only SQLite's work is timed.
// Exit 2 on a bad option, 1 on any SQLite or I/O failure (with SQLite's message).
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
CREATE TABLE household (id TEXT PRIMARY KEY, grid TEXT NOT NULL, fields TEXT NOT NULL);
CREATE INDEX household_grid ON household(grid);
CREATE TABLE member (id TEXT PRIMARY KEY, household_id TEXT NOT NULL, fields TEXT NOT NULL);
CREATE INDEX member_household ON member(household_id);
CREATE TABLE field (record_id TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,
                    PRIMARY KEY (record_id, field)) WITHOUT ROWID;
)sql";
constexpr const char* kInsertHousehold = "INSERT INTO household(id, grid, fields) VALUES(?,?,?)";
constexpr const char* kInsertMember = "INSERT INTO member(id, household_id, fields) VALUES(?,?,?)";
constexpr const char* kInsertField = "INSERT INTO field(record_id, field, value) VALUES(?,?,?)";

struct Member {
  std::string id;
  std::string fields;
  std::vector<std::pair<std::string, std::string>> values;
};
struct Household {
  std::string id;
  std::string grid;
  std::string fields;
  std::vector<std::pair<std::string, std::string>> values;
  std::vector<Member> members;
};

struct DatabaseCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Database = std::unique_ptr<sqlite3, DatabaseCloser>;
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

void check(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

Database open_fresh(const std::filesystem::path& file) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open(file.c_str(), &raw);
  Database db(raw);
  check(raw, rc, "open");
  check(raw, sqlite3_exec(raw, kSchema, nullptr, nullptr, nullptr), "schema");
  return db;
}

Statement prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  check(db, sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr), sql);
  return Statement(raw);
}

void insert3(sqlite3* db, sqlite3_stmt* s, const std::string& a, const std::string& b,
             const std::string& c) {
  sqlite3_bind_text(s, 1, a.data(), static_cast<int>(a.size()), SQLITE_STATIC);
  sqlite3_bind_text(s, 2, b.data(), static_cast<int>(b.size()), SQLITE_STATIC);
  sqlite3_bind_text(s, 3, c.data(), static_cast<int>(c.size()), SQLITE_STATIC);
  check(db, sqlite3_step(s), "insert");
  sqlite3_reset(s);
}

enum class Shape { records, fields };

// Inserts the households in one transaction and commits; returns the seconds taken.
double insert_all(const std::filesystem::path& file, const std::vector<const Household*>& rows,
                  Shape shape) {
  Database db = open_fresh(file);
  sqlite3* d = db.get();
  const auto start = std::chrono::steady_clock::now();
  check(d, sqlite3_exec(d, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), "begin");
  {
    Statement household = prepare(d, kInsertHousehold);
    Statement member = prepare(d, kInsertMember);
    Statement field = prepare(d, kInsertField);
    for (const Household* h : rows) {
      if (shape == Shape::records) {
        insert3(d, household.get(), h->id, h->grid, h->fields);
        for (const auto& m : h->members) insert3(d, member.get(), m.id, h->id, m.fields);
      } else {
        insert3(d, field.get(), h->id, "grid", h->grid);
        for (const auto& [name, value] : h->values) insert3(d, field.get(), h->id, name, value);
        for (const auto& m : h->members)
          for (const auto& [name, value] : m.values) insert3(d, field.get(), m.id, name, value);
      }
    }
  }
  check(d, sqlite3_exec(d, "COMMIT", nullptr, nullptr, nullptr), "commit");
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::vector<Household> load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::vector<Household> households;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error(file.string() + ":" + std::to_string(number) + ": " + e.what());
    }
    Household h;
    h.id = j.at("id").get<std::string>();
    h.grid = j.at("grid").get<std::string>();
    auto answers = j.at("answers");
    auto members = answers.at("members");
    answers.erase("members");
    h.fields = answers.dump();
    for (const auto& [name, value] : answers.items()) h.values.emplace_back(name, value.dump());
    int index = 0;
    for (const auto& m : members) {
      Member member{h.id + "-m" + std::to_string(++index), m.dump(), {}};
      for (const auto& [name, value] : m.items()) member.values.emplace_back(name, value.dump());
      h.members.push_back(std::move(member));
    }
    households.push_back(std::move(h));
  }
  return households;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path households_file;
  std::filesystem::path dir;
  std::string village;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--households")
      households_file = argv[i + 1];
    else if (arg == "--dir")
      dir = argv[i + 1];
    else if (arg == "--village")
      village = argv[i + 1];
    else {
      std::cerr << "sqlite_limit_bench: unknown option '" << arg << "'\n";
      return 2;
    }
  }
  if (households_file.empty() || dir.empty() || argc % 2 == 0) {
    std::cerr << "usage: sqlite_limit_bench --households FILE.jsonl --dir TMPDIR"
                 " [--village PREFIX]\n";
    return 2;
  }
  try {
    const auto households = load(households_file);
    std::vector<const Household*> all;
    std::vector<const Household*> in_village;
    for (const auto& h : households) {
      all.push_back(&h);
      if (!village.empty() && h.grid.rfind(village + ".", 0) == 0) in_village.push_back(&h);
    }
    std::filesystem::create_directories(dir);
    const double n = static_cast<double>(all.size());
    const double records_s = insert_all(dir / "limit-records.db", all, Shape::records);
    const double fields_s = insert_all(dir / "limit-fields.db", all, Shape::fields);
    nlohmann::json result = {{"households", all.size()},
                             {"record_households_per_s", n / records_s},
                             {"field_households_per_s", n / fields_s},
                             {"village", village},
                             {"village_households", in_village.size()},
                             {"village_insert_s", nullptr}};
    if (!in_village.empty())
      result["village_insert_s"] = insert_all(dir / "limit-village.db", in_village, Shape::records);
    for (const char* name : {"limit-records.db", "limit-fields.db", "limit-village.db"})
      for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(dir / (std::string(name) + suffix));
    std::cout << result.dump() << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "sqlite_limit_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
