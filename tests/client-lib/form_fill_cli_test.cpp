// `doorstep form fill` as a grid worker meets it, driven over pipes: a draft that survives
// kill -9, going back, the review page, starting from a household, labels instead of codes,
// the age warning and what a location or a photo expects.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <csignal>

#include <nlohmann/json.hpp>
#include <regex>

#include "tests/support/test_support.h"

using namespace doorstep::test;
using nlohmann::json;

namespace {

std::string shipped_form() {
  return (source_dir() / "forms/household-monitoring.json").string();
}
std::string example(const std::string& name) {
  return (source_dir() / "forms/examples" / (name + "-household.json")).string();
}

// The real `doorstep` running with pipes on its standard streams, typed at line by line.
class LiveCli {
 public:
  explicit LiveCli(const std::vector<std::string>& args) {
    int in[2], out[2];
    REQUIRE(pipe(in) == 0);
    REQUIRE(pipe(out) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      dup2(out[1], 2);
      for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
      std::string program = cli_path().string();
      std::vector<std::string> copy = args;
      std::vector<char*> argv{program.data()};
      for (auto& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      signal(SIGPIPE, SIG_DFL);
      execv(program.c_str(), argv.data());
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    signal(SIGPIPE, SIG_IGN);
    in_ = in[1];
    out_ = out[0];
  }
  ~LiveCli() {
    if (in_ >= 0) close(in_);
    close(out_);
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  LiveCli(const LiveCli&) = delete;
  LiveCli& operator=(const LiveCli&) = delete;

  void type(const std::string& text) {
    REQUIRE(write(in_, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  }
  // Reads the output until `marker` appears after what earlier waits consumed; false after
  // 20 seconds or at the end of the output.
  bool wait_for(const std::string& marker) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
      size_t at = output_.find(marker, consumed_);
      if (at != std::string::npos) {
        consumed_ = at + marker.size();
        return true;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
      if (left <= 0) return false;
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left)) <= 0) return false;
      char buffer[4096];
      ssize_t n = read(out_, buffer, sizeof buffer);
      if (n <= 0) return false;
      output_.append(buffer, static_cast<size_t>(n));
    }
  }
  // SIGKILL, as when the phone's battery dies or the OS kills the app.
  void kill_hard() {
    REQUIRE(kill(pid_, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(pid_, &status, 0) == pid_);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    pid_ = -1;
  }
  // Closes standard input and waits for the exit code.
  int finish() {
    close(in_);
    in_ = -1;
    while (wait_for("\x01")) {
    }
    int status = 0;
    REQUIRE(waitpid(pid_, &status, 0) == pid_);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  const std::string& output() const { return output_; }

 private:
  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  std::string output_;
  size_t consumed_ = 0;
};

struct Device {
  TempDir dir;
  std::string db = (dir / "device.db").string();

  Device() { REQUIRE(run_cli({"init", "--db", db, "--name", "Li Wei"}).exit_code == 0); }
  json run_json(std::vector<std::string> args) const {
    args.insert(args.end(), {"--db", db, "--json"});
    auto result = run_cli(args);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    return json::parse(result.out);
  }
  // A household as a first visit with an example's answers left it.
  std::string visited_household(const std::string& example_name) const {
    std::string id =
        run_json({"household", "add", "--grid", "640323.101.200.07", "--set", "{}"})["id"];
    run_json(
        {"visit", "--household", id, "--form", shipped_form(), "--answers", example(example_name)});
    return id;
  }
  std::vector<std::string> fill(const std::string& household,
                                std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"form",        "fill",    "--db",   db,
                                  "--household", household, "--form", shipped_form()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  size_t field_ops(const std::string& household) const {
    size_t n = 0;
    for (const auto& op : run_json({"household", "history", household}))
      if (op["kind"] == "set" || op["kind"] == "delete") ++n;
    return n;
  }
};

// The number the review page gives the answer labelled `label`.
std::string review_number(const std::string& output, const std::string& label) {
  std::smatch match;
  std::regex line("\\n  ([0-9]+)\\. " + label + ":");
  REQUIRE(std::regex_search(output, match, line));
  return match[1].str();
}

// Enter on every section and question of a stored household, no new member, then finalise.
const std::string kConfirmEverything =
    std::string(10, '\n') + "n\n" + std::string(10, '\n') + "ok\n";

}  // namespace

TEST_CASE("a draft survives kill -9 after four answers and finalises with every one of them") {
  Device device;
  std::string household = device.visited_household("green");
  {
    LiveCli first(device.fill(household, {"--lang", "en"}));
    REQUIRE(first.wait_for("Enter = no change, e = edit"));
    first.type("e\n");
    REQUIRE(first.wait_for("Name of the head of household *"));
    first.type("Wang Fang\n");
    REQUIRE(first.wait_for("ID number of the head of household *"));
    first.type("\n");
    REQUIRE(first.wait_for("Was the household registered as poor"));
    first.type("2\n");  // no
    REQUIRE(first.wait_for("Date of the visit"));
    first.type("2026-11-30\n");
    // The next question on screen means the last answer is in the database: kill now.
    REQUIRE(first.wait_for("Location of the dwelling (GPS)"));
    first.kill_hard();
  }
  auto drafts = run_cli({"form", "fill", "--db", device.db, "--household", household, "--form",
                         shipped_form(), "--lang", "en", "--resume"},
                        "\n\n" + kConfirmEverything);
  INFO(drafts.out);
  REQUIRE(drafts.exit_code == 0);
  CHECK(drafts.out.find("Resuming the draft.") != std::string::npos);
  // It continued at the question it was killed on, not at the start.
  CHECK(drafts.out.find("Resuming the draft.\n\nLocation of the dwelling (GPS)") !=
        std::string::npos);
  CHECK(drafts.out.find("Name of the head of household *") == std::string::npos);
  CHECK(drafts.out.find("Visit stored: ") != std::string::npos);

  json shown = device.run_json({"household", "show", household});
  CHECK(shown["fields"]["head_name"] == "Wang Fang");
  CHECK(shown["fields"]["formerly_poor"] == "no");
  CHECK(shown["fields"]["visit_date"] == "2026-11-30");
  CHECK(shown["visits"].size() == 2);
  // The visit took the draft with it.
  auto again = run_cli({"form", "fill", "--db", device.db, "--household", household, "--form",
                        shipped_form(), "--resume"});
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("--resume: there is no draft of form 'household_monitoring' for household " +
                       household) != std::string::npos);
}

TEST_CASE("back returns to the previous question and the review page changes one answer") {
  TempDir dir;
  LiveCli cli(
      {"form", "fill", shipped_form(), "--lang", "en", "--out", (dir / "answers.json").string()});
  REQUIRE(cli.wait_for("Name of the head of household *"));
  cli.type("A\n");
  REQUIRE(cli.wait_for("ID number of the head of household *"));
  cli.type("<\n");
  REQUIRE(cli.wait_for("Name of the head of household *"));
  REQUIRE(cli.wait_for("[A] > "));
  cli.type("Ma Jianguo\n");
  REQUIRE(cli.wait_for("ID number of the head of household *"));
  cli.type("640323200006150015\n1\n\n\n\n");  // ID, formerly poor: yes, date, location, photo
  REQUIRE(cli.wait_for("Add a member?"));
  cli.type("y\nMa\n640323200006150015\n1\n\n\n\n\n\n1\n");  // one member, insured
  REQUIRE(cli.wait_for("Add another member?"));
  cli.type("n\n" + std::string(9, '\n') + "1\n1\n1\nA\n\n\n\n");
  REQUIRE(cli.wait_for("ok = finalise, < = back > "));
  std::string number = review_number(cli.output(), "Is food secured\\?");
  CHECK(cli.output().find(number + ". Is food secured?: Yes") != std::string::npos);
  cli.type(number + "\n");
  REQUIRE(cli.wait_for("Is food secured? *"));
  cli.type("2\n");  // no
  REQUIRE(cli.wait_for("Risk level now: red"));
  REQUIRE(cli.wait_for("  - Food is not secured"));
  REQUIRE(cli.wait_for("== Review =="));
  REQUIRE(cli.wait_for(number + ". Is food secured?: No"));
  REQUIRE(cli.wait_for("ok = finalise, < = back > "));
  cli.type("ok\n");
  CHECK(cli.finish() == 0);
  INFO(cli.output());
  json answers = json::parse(read_file(dir / "answers.json"));
  CHECK(answers["head_name"] == "Ma Jianguo");
  CHECK(answers["food_secure"] == "no");
  CHECK(answers["members"][0]["name"] == "Ma");
}

TEST_CASE("starting from a household, no change on every section stores a visit with no field op") {
  Device device;
  std::string household = device.visited_household("red");
  size_t before = device.field_ops(household);
  REQUIRE(before > 0);
  auto result = run_cli(device.fill(household, {"--lang", "zh"}), kConfirmEverything);
  INFO(result.out);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("回车＝本节无变化") != std::string::npos);
  CHECK(result.out.find("  户主姓名: 杨德明") != std::string::npos);  // the section as stored
  CHECK(result.out.find("走访已保存：") != std::string::npos);
  json shown = device.run_json({"household", "show", household});
  CHECK(shown["visits"].size() == 2);
  CHECK(shown["members"].size() == 3);  // matched by member_id, none added
  CHECK(device.field_ops(household) == before);
  CHECK(device.run_json({"check"})["ok"] == true);
}

TEST_CASE("a Chinese screen shows choices, errors and the monitoring type by label, never code") {
  TempDir dir;
  std::string input =
      "马建国\n640323200006150015\n1\n\n\n\n"  // head, ID, formerly poor: 是
      "y\n马建国\n640323200006150015\n1\n\n\n\n\n\n1\nn\n"
      "abc\n3000\n\n\n\n\n\n\n\n\n"  // wages: refused, then 3000
      "2\n1\n1\nA\n\n\n\n";          // food: 否
  auto result = run_cli(
      {"form", "fill", shipped_form(), "--lang", "zh", "--out", (dir / "answers.json").string()},
      input);
  INFO(result.out);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("  1. 是\n  2. 否\n") != std::string::npos);
  CHECK(result.out.find("[yes]") == std::string::npos);
  CHECK(result.out.find("是否为脱贫户: 是") != std::string::npos);  // the review page
  CHECK(result.out.find("! “工资性收入”需要填写数字，而不是“abc”") != std::string::npos);
  CHECK(result.out.find("income_wage") == std::string::npos);
  CHECK(result.out.find("风险等级变为：红色") != std::string::npos);
  CHECK(result.out.find("  - 吃饭没有保障") != std::string::npos);
  CHECK(result.out.find("建议监测类型：脱贫不稳定户") != std::string::npos);
  CHECK(result.out.find("unstable") == std::string::npos);
  CHECK(result.out.find("red.food") == std::string::npos);
}

TEST_CASE("an age that contradicts the ID number is warned about and may be kept") {
  TempDir dir;
  LiveCli cli(
      {"form", "fill", shipped_form(), "--lang", "en", "--out", (dir / "answers.json").string()});
  cli.type("Ma\n640323200006150015\n1\n\n\n\ny\nMa\n640323200006150015\n1\n");
  REQUIRE(cli.wait_for("Age (years) *"));
  cli.type("40\n");
  REQUIRE(cli.wait_for(
      "Warning: The age does not match the birth date in the ID number; please check"));
  REQUIRE(cli.wait_for("Health"));  // not asked again: the next question
  cli.type("\n\n\n\n1\nn\n" + std::string(9, '\n') + "1\n1\n1\nA\n\n\n\n");
  REQUIRE(cli.wait_for("== Review =="));
  REQUIRE(cli.wait_for("Age (years): 40"));
  REQUIRE(cli.wait_for("Warning: The age does not match"));
  REQUIRE(cli.wait_for("ok = finalise"));
  cli.type("ok\n");
  CHECK(cli.finish() == 0);
  json answers = json::parse(read_file(dir / "answers.json"));
  CHECK(answers["members"][0]["age"] == "40");
}

TEST_CASE("a location and a photo say what they expect and refuse what does not fit") {
  TempDir dir;
  write_file(dir / "house.jpg", "not really a jpeg, but a file");
  write_file(dir / "notes.txt", "text");
  std::string input =
      "Ma\n640323200006150015\n1\n\n"
      "38.5\n38.5 106.2 1350 5\n" +  // location
      (dir / "missing.jpg").string() +
      "\n" +                                 // photo: no file
      (dir / "notes.txt").string() + "\n" +  // not an image
      (dir / "house.jpg").string() + "\n";
  auto result = run_cli({"form", "fill", shipped_form(), "--lang", "en"}, input);
  INFO(result.out);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("(a location: latitude longitude [altitude [accuracy]]") !=
        std::string::npos);
  CHECK(result.out.find("! 'location' needs 'latitude longitude [altitude [accuracy]]', not "
                        "'38.5'") != std::string::npos);
  CHECK(result.out.find("(a photo: the path of an image file on this device; it must exist)") !=
        std::string::npos);
  CHECK(result.out.find("! no image file '" + (dir / "missing.jpg").string() + "'") !=
        std::string::npos);
  CHECK(result.out.find("' is not an image file (jpg, jpeg, png, heic, webp)") !=
        std::string::npos);
  auto json_start = result.out.rfind("\n{");
  REQUIRE(json_start != std::string::npos);
  json answers = json::parse(result.out.substr(json_start));
  CHECK(answers["location"] == "38.5 106.2 1350 5");
  CHECK(answers["dwelling_photo"] == (dir / "house.jpg").string());
}

TEST_CASE("form fill refuses an unknown household before asking anything") {
  Device device;
  auto result = run_cli(device.fill("0123456789abcdef"), "e\n");
  CHECK(result.exit_code == 1);
  CHECK(result.err.find("0123456789abcdef") != std::string::npos);
  CHECK(result.out.find("*") == std::string::npos);
  CHECK(device.run_json({"household", "list"}).empty());
}

TEST_CASE("form fill refuses --resume without a database and together with --discard-draft") {
  auto no_db = run_cli({"form", "fill", shipped_form(), "--resume"});
  CHECK(no_db.exit_code == 2);
  CHECK(no_db.err.find("--resume and --discard-draft need the device database (--db)") !=
        std::string::npos);
  auto both =
      run_cli({"form", "fill", shipped_form(), "--db", "x.db", "--resume", "--discard-draft"});
  CHECK(both.exit_code == 2);
  CHECK(both.err.find("exclude each other") != std::string::npos);
}
