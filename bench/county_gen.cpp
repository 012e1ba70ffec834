// The synthetic county generator: see county_gen.h for the output format and guarantees.
#include "county_gen.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <stdexcept>

namespace doorstep::bench {
namespace {

// splitmix64: a tiny, well-mixed generator whose output is the same on every platform.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi]; the modulo bias is irrelevant at these ranges.
  int range(int lo, int hi) {
    return lo + static_cast<int>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  template <typename T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[next() % N];
  }

 private:
  std::uint64_t state_;
};

std::uint64_t mix(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0) {
  Random r(a * 0x100000001B3ull ^ (b + 0x632BE59BD9B4E019ull) ^ (c << 32));
  r.next();
  return r.next();
}

// Rural townships of 盐池县 (NBS 2023 codes; the urban 街道 640323001 has no grids here).
constexpr std::array<const char*, 8> kTownships = {"100", "101", "102", "103",
                                                   "200", "201", "202", "203"};

constexpr std::array<const char*, 40> kSurnames = {
    "王", "李", "张", "刘", "陈", "杨", "马", "丁", "何", "周", "吴", "赵", "黄", "孙",
    "高", "郭", "罗", "冯", "苏", "田", "白", "海", "金", "兰", "韩", "贺", "于", "魏",
    "曹", "许", "朱", "蒋", "杜", "侯", "胡", "徐", "沈", "石", "梁", "宋"};
constexpr std::array<const char*, 48> kGiven = {
    "建", "国", "军", "华", "明", "伟", "芳", "秀", "英", "兰", "玉", "梅", "强", "平", "东", "海",
    "福", "贵", "宝", "成", "文", "武", "春", "霞", "燕", "丽", "娟", "红", "忠", "义", "德", "勇",
    "志", "刚", "林", "彦", "虎", "莲", "花", "琴", "珍", "生", "学", "荣", "鹏", "涛", "杰", "静"};
constexpr std::array<const char*, 6> kHealth = {"healthy", "healthy", "healthy",
                                                "healthy", "chronic", "serious"};
constexpr std::array<const char*, 9> kAssistance = {
    "industry",       "employment",       "education", "health", "housing",
    "minimum_living", "temporary_relief", "insurance", "other"};
constexpr std::array<const char*, 6> kEmployment = {"farming",      "farming",      "local_work",
                                                    "migrant_work", "migrant_work", "business"};
constexpr std::array<const char*, 10> kNotes = {"家中情况稳定，收入来源较为固定",
                                                "主要劳动力常年在银川外出务工，家中留守老人和儿童",
                                                "种植玉米和荞麦约二十亩，养殖滩羊三十余只",
                                                "老人患慢性病长期服药，医疗自付费用较高",
                                                "房屋已于前年完成危房改造，住房安全有保障",
                                                "子女在县城读高中，教育支出逐年增加",
                                                "今年春季干旱，粮食减产约三成",
                                                "已申请公益性岗位，每月有固定工资收入",
                                                "饮水已接通自来水入户，水质水量达标",
                                                "参加了村里的滩羊养殖合作社，年底有分红"};
constexpr std::array<const char*, 11> kRiskCodes = {"u1", "u2", "u3", "u4", "u5", "u6",
                                                    "m1", "m2", "m3", "m4", "m5"};

constexpr int kReferenceYear = 2025;  // the survey year; ages are counted from it

std::string person_name(Random& r) {
  std::string name = r.pick(kSurnames);
  name += r.pick(kGiven);
  if (r.chance(0.7)) name += r.pick(kGiven);
  return name;
}

// A select_multiple answer: up to `count` distinct codes, space-separated, in the list's order.
template <std::size_t N>
std::string codes(Random& r, const std::array<const char*, N>& list, int count) {
  std::array<bool, N> chosen{};
  for (int i = 0; i < count; ++i) chosen[r.next() % N] = true;
  std::string out;
  for (std::size_t i = 0; i < N; ++i)
    if (chosen[i]) out += std::string(out.empty() ? "" : " ") + list[i];
  return out;
}

std::string two_digits(int v) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%02d", v);
  return buffer;
}

// A valid 18-digit ID number for a person of this age and sex. People registered before the
// 1998 renaming of the county keep the old address code 642126 now and then, as in reality.
std::string id_number(Random& r, int age, bool male) {
  const int year = kReferenceYear - age;
  std::string area = (year < 1990 && r.chance(0.3)) ? "642126" : "640323";
  const int month = r.range(1, 12);
  const int day = r.range(1, 28);
  int sequence = r.range(0, 499) * 2 + (male ? 1 : 0);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%s%04d%02d%02d%03d", area.c_str(), year, month, day,
                sequence);
  std::string first17(buffer);
  return first17 + id_check_character(first17);
}

int household_size(Random& r) {
  // 1:5% 2:15% 3:20% 4:25% 5:20% 6:10% 7:5% -> 4.0 members on average
  static constexpr std::array<int, 7> kCumulative = {5, 20, 40, 65, 85, 95, 100};
  const int roll = r.range(1, 100);
  for (std::size_t i = 0; i < kCumulative.size(); ++i)
    if (roll <= kCumulative[i]) return static_cast<int>(i) + 1;
  return 4;
}

nlohmann::json member(Random& r, const std::string& relation, int age, bool male,
                      const std::string& surname) {
  nlohmann::json m;
  std::string name =
      (relation == "spouse" || relation == "parent") ? person_name(r) : surname + r.pick(kGiven);
  if (relation != "spouse" && relation != "parent" && r.chance(0.6)) name += r.pick(kGiven);
  m["name"] = name;
  m["id_number"] = id_number(r, age, male);
  m["relation"] = relation;
  m["age"] = age;
  const std::string health = age > 60 ? r.pick(kHealth) : (r.chance(0.9) ? "healthy" : "chronic");
  m["health"] = health;
  m["disability"] = r.chance(0.06) ? (r.chance(0.7) ? "partial" : "severe") : "none";
  std::string labour = "full";
  if (age < 16 || age > 70 || health == "serious")
    labour = "none";
  else if (age > 60 || health == "chronic")
    labour = "partial";
  m["labour_ability"] = labour;
  std::string employment = "none";
  if (age >= 6 && age <= 22)
    employment = "student";
  else if (labour == "full")
    employment = r.pick(kEmployment);
  m["employment"] = employment;
  if (age >= 6 && age <= 15) {
    const bool in_school = r.chance(0.985);
    m["in_school"] = in_school ? "yes" : "no";
    if (!in_school) m["out_of_school_reason"] = r.chance(0.7) ? "health" : "other";
  }
  m["medical_insured"] = r.chance(0.98) ? "yes" : "no";
  return m;
}

// The form's calculated values (income_total, member_count, income_per_capita,
// expense_rigid_total) of these answers, as the form session computes them.
nlohmann::json calculated(const nlohmann::json& a) {
  const int total = a["income_wage"].get<int>() + a["income_business"].get<int>() +
                    a["income_property"].get<int>() + a["income_transfer"].get<int>();
  const auto members = static_cast<int>(a["members"].size());
  return {{"income_total", total},
          {"member_count", members},
          {"income_per_capita", members ? total / members : total},
          {"expense_rigid_total",
           a["expense_medical"].get<int>() + a["expense_education"].get<int>() +
               a["expense_disaster"].get<int>() + a["expense_other_rigid"].get<int>()}};
}

std::string household_id(int index) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "h%07d", index + 1);
  return buffer;
}

}  // namespace

char id_check_character(const std::string& first17) {
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                   3, 7, 9,  10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  int sum = 0;
  for (std::size_t i = 0; i < kWeights.size(); ++i) sum += (first17.at(i) - '0') * kWeights[i];
  return kCheck[sum % 11];
}

CountyGenerator::CountyGenerator(CountyOptions options) : options_(options) {
  if (options_.households < 1) throw std::invalid_argument("households must be at least 1");
  if (options_.big_village_households < 0)
    throw std::invalid_argument("big_village_households must not be negative");
  if (options_.revisit_months < 0)
    throw std::invalid_argument("revisit_months must not be negative");

  Random r(mix(options_.seed, 0xC0FFEE));
  int remaining = options_.households;
  auto add_grid = [&](const std::string& village, int number, int size) {
    size = std::min(size, remaining);
    grid_of_household_start_.push_back(options_.households - remaining);
    grids_.push_back({village + "." + two_digits(number), size});
    remaining -= size;
  };

  big_village_ = "640323.101.200";
  int big = std::min(options_.big_village_households, options_.households * 2 / 5);
  for (int g = 1; big > 0 && g <= 99; ++g) {
    int size = r.range(30, 50);
    if (big - size < 30) size = big;  // no tiny last grid in the village
    big -= size;
    add_grid(big_village_, g, size);
  }

  std::array<int, kTownships.size()> villages_in_township{};
  villages_in_township[1] = 1;  // 640323.101.200 is the big village
  for (std::size_t village = 0; remaining > 0; ++village) {
    const std::size_t t = village % kTownships.size();
    const int code = 200 + villages_in_township[t]++;
    if (code > 399) throw std::invalid_argument("households: too many for one county's villages");
    const std::string prefix = std::string("640323.") + kTownships[t] + "." + std::to_string(code);
    const int grid_count = r.range(6, 14);
    for (int g = 1; g <= grid_count && remaining > 0; ++g) add_grid(prefix, g, r.range(30, 50));
  }
}

const Grid& CountyGenerator::grid_of(int index) const {
  auto it =
      std::upper_bound(grid_of_household_start_.begin(), grid_of_household_start_.end(), index);
  return grids_.at(static_cast<std::size_t>(it - grid_of_household_start_.begin() - 1));
}

nlohmann::json CountyGenerator::household(int index) const {
  if (index < 0 || index >= options_.households)
    throw std::invalid_argument("household index out of range: " + std::to_string(index));
  Random r(mix(options_.seed, static_cast<std::uint64_t>(index) + 1));
  const Grid& grid = grid_of(index);

  const int size = household_size(r);
  const bool head_male = r.chance(0.85);
  const int head_age = r.range(28, 78);
  std::string surname = r.pick(kSurnames);
  nlohmann::json members = nlohmann::json::array();
  auto head = member(r, "head", head_age, head_male, surname);
  head["name"] = surname + r.pick(kGiven) + (r.chance(0.7) ? r.pick(kGiven) : "");
  members.push_back(head);
  for (int i = 1; i < size; ++i) {
    if (i == 1 && r.chance(0.85)) {
      members.push_back(
          member(r, "spouse", std::max(18, head_age + r.range(-5, 5)), !head_male, surname));
    } else if (i >= 4 && head_age < 55 && r.chance(0.6)) {
      members.push_back(
          member(r, "parent", std::min(95, head_age + r.range(22, 32)), r.chance(0.5), surname));
    } else if (head_age > 58 && r.chance(0.5)) {
      members.push_back(member(r, "grandchild", r.range(1, 17), r.chance(0.52), surname));
    } else {
      members.push_back(
          member(r, "child", std::max(0, head_age - r.range(20, 34)), r.chance(0.52), surname));
    }
  }

  nlohmann::json a;
  a["head_name"] = members[0]["name"];
  a["head_id_number"] = members[0]["id_number"];
  a["formerly_poor"] = r.chance(0.3) ? "yes" : "no";
  a["visit_date"] = std::to_string(kReferenceYear) + "-01-" + two_digits(r.range(2, 28));
  char location[64];
  std::snprintf(location, sizeof location, "%.6f %.6f %d %d", 37.30 + r.range(0, 600000) / 1e6,
                106.90 + r.range(0, 900000) / 1e6, r.range(1300, 1900), r.range(3, 25));
  a["location"] = location;
  a["dwelling_photo"] =
      "dwelling-" + household_id(index) + "-" + std::to_string(r.range(100000, 999999)) + ".jpg";
  a["members"] = members;
  int labourers = 0;
  for (const auto& m : members) labourers += m["labour_ability"] == "full" ? 1 : 0;
  a["income_wage"] = labourers * r.range(0, 30) * 1000 + r.range(0, 999);
  a["income_business"] = r.range(0, 25) * 1000 + r.range(0, 999);
  a["income_property"] = r.chance(0.4) ? r.range(200, 3000) : 0;
  a["income_transfer"] = r.range(500, 9000);
  a["income_previous_cycle"] = r.range(5, 80) * 1000;
  a["expense_medical"] = r.chance(0.5) ? r.range(100, 30000) : 0;
  a["expense_education"] = r.chance(0.4) ? r.range(500, 12000) : 0;
  a["expense_disaster"] = r.chance(0.05) ? r.range(1000, 40000) : 0;
  a["expense_other_rigid"] = r.chance(0.2) ? r.range(100, 5000) : 0;
  a["food_secure"] = r.chance(0.99) ? "yes" : "no";
  a["clothing_secure"] = r.chance(0.99) ? "yes" : "no";
  a["water_safe"] = r.chance(0.97) ? "yes" : "no";
  a["housing_grade"] = r.chance(0.6) ? "A" : (r.chance(0.8) ? "B" : (r.chance(0.7) ? "C" : "D"));
  a["risk_factors"] = r.chance(0.25) ? codes(r, kRiskCodes, r.range(1, 2)) : "";
  a["assistance_measures"] = r.chance(0.6) ? codes(r, kAssistance, r.range(1, 3)) : "";
  a["notes"] = std::string(r.pick(kNotes)) + "；" + r.pick(kNotes) + "。";

  return {{"id", household_id(index)},
          {"grid", grid.path},
          {"answers", a},
          {"calculated", calculated(a)}};
}

nlohmann::json CountyGenerator::revisit(int index, int month) const {
  if (month < 1 || month > 11) throw std::invalid_argument("revisit month must be 1..11");
  const nlohmann::json base = household(index);
  const nlohmann::json& before = base["answers"];
  Random r(
      mix(options_.seed, static_cast<std::uint64_t>(index) + 1, static_cast<std::uint64_t>(month)));
  nlohmann::json after = before;
  after["visit_date"] = std::to_string(kReferenceYear) + "-" + two_digits(month + 1) + "-" +
                        two_digits(r.range(1, 28));
  if (r.chance(0.5))
    // An amount, never below zero (the form's constraint on it).
    after["income_wage"] = std::max(0, before["income_wage"].get<int>() + r.range(-3000, 3000) + 1);
  if (r.chance(0.2)) after["income_business"] = r.range(0, 25) * 1000 + r.range(0, 999);
  if (r.chance(0.25))
    after["expense_medical"] = before["expense_medical"].get<int>() + r.range(50, 3000);
  if (r.chance(0.1)) after["risk_factors"] = codes(r, kRiskCodes, 1);
  if (r.chance(0.3)) after["notes"] = std::string(r.pick(kNotes)) + "。";
  nlohmann::json set = nlohmann::json::object();
  for (const auto& [field, value] : after.items())
    if (field != "members" && before[field] != value) set[field] = value;

  // Now and then one member's situation changes (an illness, a recovery).
  nlohmann::json members = nlohmann::json::array();
  if (r.chance(0.2)) {
    const auto& m = before["members"][r.next() % before["members"].size()];
    const std::string health = m["health"] == "healthy" ? "chronic" : "healthy";
    members.push_back({{"id_number", m["id_number"]}, {"set", {{"health", health}}}});
  }
  const nlohmann::json calculated_now = calculated(after);
  nlohmann::json calculated_changes = nlohmann::json::object();
  for (const auto& [field, value] : calculated_now.items())
    if (base["calculated"][field] != value) calculated_changes[field] = value;
  return {{"household", base["id"]},
          {"grid", base["grid"]},
          {"month", month},
          {"set", std::move(set)},
          {"members", std::move(members)},
          {"calculated", std::move(calculated_changes)}};
}

}  // namespace doorstep::bench
