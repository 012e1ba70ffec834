// department_import_bench: `doorstep-server import` of a medical insurance bureau's file of N
// rows (150,000 by default; 15,000 with --quick) against a synthetic county holding every
// person the file names — rows per second and the import's peak memory, then the same file
// imported again (matching only: every warning exists already, nothing is written).
//
// The county is the synthetic county (county_gen.h) written straight into a county store:
// every household registered with its members, enough households that the members cover the
// rows. The file is the generator's people in county order, one row each, with what a real
// list holds besides: 1% numbers of people outside the county (unmatched), 0.5% with a wrong
// check character (invalid), and 2% whose out-of-pocket costs reach the county's 10,000 yuan
// (each raises a warning and a verify task, one durable change each). Each import runs as a
// child process under GNU /usr/bin/time, whose "%M" is its peak RSS.
//
// usage: department_import_bench [--rows N] [--quick]
// Prints one JSON line: {"rows", "households", "members", "seconds", "rows_per_s", "ambiguous",
// "peak_rss_kb", "matched", "unmatched", "invalid", "warnings_created", "reimport_seconds",
// "reimport_rows_per_s", "reimport_peak_rss_kb"}. With DOORSTEP_BENCH_KEEP set, the county
// folder stays in the temp dir.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/sync/county_authority.h"
#include "county_gen.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct ImportRun {
  long peak_rss_kb = 0;
  double seconds = 0;
  int exit_code = -1;
  json report;
};

ImportRun run_import(const std::filesystem::path& data, const std::filesystem::path& file) {
  std::filesystem::path rss_file = file.string() + ".rss";
  std::filesystem::path out_file = file.string() + ".report.json";
  std::vector<std::string> args = {
      "/usr/bin/time",      "-f",     "%M",          "-o",          rss_file.string(),
      DOORSTEP_SERVER_PATH, "import", "--data",      data.string(), "--source",
      "medical-insurance",  "--file", file.string(), "--json"};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  auto start = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    if (!std::freopen(out_file.c_str(), "w", stdout)) _exit(126);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ImportRun run;
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  std::ifstream rss(rss_file);
  rss >> run.peak_rss_kb;
  std::ifstream report(out_file);
  run.report = json::parse(report, nullptr, false);
  return run;
}

// A valid number of someone outside the county (division 110105, Beijing).
std::string outsider(int i) {
  char first17[18];
  std::snprintf(first17, sizeof first17, "1101051980%04d%03d", 101 + i % 1200, i % 1000);
  std::string body(first17, 17);
  return body + doorstep::bench::id_check_character(body);
}

}  // namespace

int main(int argc, char** argv) {
  int rows = 150000;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--quick") {
      rows = 15000;
    } else if (arg == "--rows" && i + 1 < argc) {
      rows = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: department_import_bench [--rows N >= 100] [--quick]\n");
      return 2;
    }
  }
  if (rows < 100) {
    std::fprintf(stderr, "usage: department_import_bench [--rows N >= 100] [--quick]\n");
    return 2;
  }
  auto dir = std::filesystem::temp_directory_path() /
             ("doorstep-department-import-bench-" + std::to_string(rows));
  std::filesystem::remove_all(dir);
  doorstep::sync::CountyInitOptions options;
  options.code = "640323";
  options.name = "Yanchi";
  options.demo = true;
  options.durable = false;
  options.forms_dir = std::filesystem::path(DOORSTEP_SOURCE_DIR) / "forms";
  doorstep::bench::CountyOptions shape;
  // 3.9 members per household on average: enough households to name `rows` people.
  shape.households = rows / 3 + 10;
  shape.big_village_households = shape.households / 10;
  doorstep::bench::CountyGenerator generator(shape);
  std::vector<std::pair<std::string, std::string>> people;  // (name, ID number)
  std::fprintf(stderr, "department_import_bench: generating %d households\n", shape.households);
  {
    auto county = doorstep::sync::CountyAuthority::init(dir, options);
    for (int i = 0; i < shape.households && static_cast<int>(people.size()) < rows; ++i) {
      json household = generator.household(i);
      json answers = household["answers"];
      json fields = {{"head_name", answers["head_name"]},
                     {"head_id_number", answers["head_id_number"]},
                     {"members", json::array()}};
      for (const auto& member : answers["members"]) {
        fields["members"].push_back({{"name", member["name"]}, {"id_number", member["id_number"]}});
        people.emplace_back(member["name"], member["id_number"]);
      }
      county.store().add_household(household["grid"], fields);
    }
    county.store().database().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  size_t members = people.size();
  auto file = dir / "medical.csv";
  {
    std::ofstream out(file, std::ios::binary);
    out << "姓名,身份证号,参保状态,个人自付金额,医疗机构\n";
    for (int i = 0; i < rows; ++i) {
      const auto& [name, number] = people[static_cast<size_t>(i) % people.size()];
      std::string id = number;
      if (i % 100 == 7) id = outsider(i);
      if (i % 200 == 13) id.back() = id.back() == '1' ? '2' : '1';
      int cost = i % 50 == 3 ? 10000 + (i % 17) * 1000 : (i * 37) % 9000;
      out << name << "," << id << ",是," << cost << ",盐池县人民医院\n";
    }
  }
  std::fprintf(stderr, "department_import_bench: importing %d rows against %zu members\n", rows,
               members);
  ImportRun first = run_import(dir, file);
  if (first.exit_code != 0 || !first.report.is_object()) {
    std::fprintf(stderr, "department_import_bench: the import failed (exit %d)\n", first.exit_code);
    return 1;
  }
  ImportRun again = run_import(dir, file);
  if (again.exit_code != 0 || again.report.value("warnings_created", -1) != 0) {
    std::fprintf(stderr, "department_import_bench: the second import failed or raised anew\n");
    return 1;
  }
  json result = {{"rows", rows},
                 {"households", shape.households},
                 {"members", members},
                 {"seconds", first.seconds},
                 {"rows_per_s", rows / first.seconds},
                 {"peak_rss_kb", first.peak_rss_kb},
                 {"matched", first.report["matched"]},
                 {"unmatched", first.report["unmatched"]},
                 {"ambiguous", first.report["ambiguous"]},
                 {"invalid", first.report["invalid"].size()},
                 {"warnings_created", first.report["warnings_created"]},
                 {"reimport_seconds", again.seconds},
                 {"reimport_rows_per_s", rows / again.seconds},
                 {"reimport_peak_rss_kb", again.peak_rss_kb}};
  std::printf("%s\n", result.dump().c_str());
  if (!std::getenv("DOORSTEP_BENCH_KEEP")) std::filesystem::remove_all(dir);
  return 0;
}
