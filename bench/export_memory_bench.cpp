// export_memory_bench: the peak memory of `doorstep-server export`, as CSV and as XLSX, for a
// large county against a county a tenth its size, measured in the same run — the export
// streams (the XLSX in libxlsxwriter's constant-memory mode), so the two peaks should be
// close; a peak that grows with the county means rows are being held.
//
// Each county is the synthetic county (county_gen.h) written straight into a county store:
// every household with its members and one visit (the generator's answers), and a county
// risk row per household as the county store keeps it (level, rules). The
// export then runs as a child process under GNU /usr/bin/time, whose "%M" is the peak RSS
// ("Maximum resident set size" of time -v).
//
// usage: export_memory_bench [--quick] [--households N] [N]
//   N households (default 150,000, a whole county; --quick 5,000); the baseline is a tenth.
// Prints a table, then one JSON line of the figures (bench/ours/export_memory.sh records it).
// With DOORSTEP_BENCH_KEEP set, the county folders stay in the temp dir for a closer look.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/store/sqlite.h"
#include "core/sync/county_authority.h"
#include "county_gen.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// The county store's levels (household_risk), written directly: the generated households'
// answers are not those of a real form, so the bench sets the levels it wants.
constexpr const char* kInsertRisk =
    "INSERT OR REPLACE INTO household_risk (household, level, monitoring_type, risk) "
    "VALUES (?1, ?2, '', ?3)";

struct ExportRun {
  long peak_rss_kb = 0;
  double seconds = 0;
  int exit_code = -1;
};

// Runs `doorstep-server export` on `data` under /usr/bin/time and returns its peak RSS. Not
// wait4()'s own figure: a child forked from this process counts this process's memory (the
// generated county) until it execs, and that would be measured instead of the export.
ExportRun run_export(const std::filesystem::path& data, const std::filesystem::path& out,
                     const std::string& format = "csv") {
  std::filesystem::path rss_file = out.string() + ".rss";
  std::vector<std::string> args = {"/usr/bin/time",
                                   "-f",
                                   "%M",
                                   "-o",
                                   rss_file.string(),
                                   DOORSTEP_SERVER_PATH,
                                   "export",
                                   "--data",
                                   data.string(),
                                   "--format",
                                   format,
                                   "--out",
                                   out.string()};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::fflush(stdout);  // or the child's copy of the buffer is written twice
  auto start = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    if (!std::freopen("/dev/null", "w", stdout)) _exit(126);  // its "N written" line
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ExportRun run;
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::ifstream rss(rss_file);
  rss >> run.peak_rss_kb;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return run;
}

// A county of `households` synthetic households in a fresh folder; returns the folder.
std::filesystem::path make_county(int households) {
  auto dir = std::filesystem::temp_directory_path() /
             ("doorstep-export-bench-" + std::to_string(households));
  std::filesystem::remove_all(dir);
  doorstep::sync::CountyInitOptions options;
  options.code = "640323";
  options.name = "Yanchi";
  options.demo = true;
  options.durable = false;
  options.forms_dir = std::filesystem::path(DOORSTEP_SOURCE_DIR) / "forms";
  doorstep::bench::CountyOptions shape;
  shape.households = households;
  shape.big_village_households = households / 10;
  doorstep::bench::CountyGenerator generator(shape);
  std::vector<std::pair<std::string, json>> risks;
  {
    auto county = doorstep::sync::CountyAuthority::init(dir, options);
    for (int i = 0; i < households; ++i) {
      json household = generator.household(i);
      json answers = household["answers"];
      json first = {{"head_name", answers["head_name"]},
                    {"head_id_number", answers["head_id_number"]}};
      std::string id = county.store().add_household(household["grid"], first);
      doorstep::store::VisitInput visit;
      visit.household_id = id;
      visit.form_id = "household-monitoring";
      visit.form_version = "1";
      visit.answers = answers;
      std::string level = i % 7 == 0 ? "red" : i % 3 == 0 ? "yellow" : "green";
      json rules =
          level == "green"
              ? json::array()
              : json::array(
                    {{{"id", level + ".income"}, {"level", level}, {"message", "收入低于监测线"}}});
      visit.risk = {{"level", level}, {"rules", rules}};
      county.store().record_visit(visit);
      risks.emplace_back(id, json{{"level", level},
                                  {"rules", rules},
                                  {"monitoring_type", level == "green" ? json() : json("marginal")},
                                  {"calculated", household["calculated"]}});
    }
  }
  // A first export brings the server's tables up to date.
  run_export(dir, dir / "warm-up.csv");
  doorstep::sqlite::Database db((dir / "county.db").string(), false);
  db.exec("BEGIN");
  for (const auto& [id, risk] : risks) {
    std::string text = risk.dump();
    db.cached(kInsertRisk)
        .bind(1, id)
        .bind(2, risk["level"].get<std::string>())
        .bind(3, text)
        .run();
  }
  db.exec("COMMIT");
  // Measured against a checkpointed file, as a county's export usually runs: a WAL of the
  // whole generation would be checkpointed by the export and counted in its peak.
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return dir;
}

}  // namespace

int main(int argc, char** argv) {
  int households = 150000;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--quick") {
      households = 5000;
    } else if (arg == "--households" && i + 1 < argc) {
      households = std::atoi(argv[++i]);
    } else if (!arg.empty() && arg[0] != '-') {
      households = std::atoi(arg.c_str());
    } else {
      households = 0;
      break;
    }
  }
  if (households < 10) {
    std::fprintf(stderr, "usage: export_memory_bench [--quick] [--households N >= 10] [N]\n");
    return 2;
  }
  int baseline = households / 10;
  std::printf("export_memory_bench: peak RSS of doorstep-server export\n");
  std::printf("%10s %6s %14s %10s %12s %14s\n", "households", "format", "peak RSS (KB)", "seconds",
              "file bytes", "county.db bytes");
  const char* formats[2] = {"csv", "xlsx"};
  long peaks[2][2] = {{0, 0}, {0, 0}};  // [format][county]
  double seconds[2][2] = {{0, 0}, {0, 0}};
  uintmax_t bytes[2][2] = {{0, 0}, {0, 0}};
  int sizes[2] = {baseline, households};
  for (int k = 0; k < 2; ++k) {
    auto dir = make_county(sizes[k]);
    for (int f = 0; f < 2; ++f) {
      auto out = dir / (std::string("county.") + formats[f]);
      ExportRun run = run_export(dir, out, formats[f]);
      if (run.exit_code != 0) {
        std::fprintf(stderr, "%s export of %d households failed (exit %d)\n", formats[f], sizes[k],
                     run.exit_code);
        return 1;
      }
      peaks[f][k] = run.peak_rss_kb;
      seconds[f][k] = run.seconds;
      bytes[f][k] = static_cast<uintmax_t>(std::filesystem::file_size(out));
      std::printf("%10d %6s %14ld %10.2f %12ju %14ju\n", sizes[k], formats[f], run.peak_rss_kb,
                  run.seconds, bytes[f][k],
                  static_cast<uintmax_t>(std::filesystem::file_size(dir / "county.db")));
    }
    if (!std::getenv("DOORSTEP_BENCH_KEEP")) std::filesystem::remove_all(dir);
  }
  json figures = {{"households", households}, {"baseline_households", baseline}};
  for (int f = 0; f < 2; ++f) {
    std::printf("%s peak ratio (%d vs %d households): %.2f\n", formats[f], households, baseline,
                static_cast<double>(peaks[f][1]) / static_cast<double>(peaks[f][0]));
    figures[formats[f]] = {{"peak_rss_kb", peaks[f][1]},
                           {"baseline_peak_rss_kb", peaks[f][0]},
                           {"seconds", seconds[f][1]},
                           {"bytes", bytes[f][1]}};
  }
  std::printf("%s\n", figures.dump().c_str());
  return 0;
}
