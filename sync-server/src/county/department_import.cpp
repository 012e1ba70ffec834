// The department data import: header, rows, matching, warnings, the report.
#include "county/department_import.h"

#include <fstream>
#include <map>
#include <sstream>

#include "core/common/bounded_decode.h"
#include "core/common/error.h"
#include "core/forms/chinese_id.h"
#include "county/county_export.h"
#include "county/department_file.h"
#include "county/department_sources.h"
#include "county/import_records.h"
#include "county/member_index.h"

namespace doorstep::server {
namespace {

using nlohmann::json;

// A name or stage longer than this is not a person's name: refused, so that a row's values
// always fit in one change.
constexpr size_t kMaxTextBytes = 200;
// Members named by an ambiguous row's entry in the report.
constexpr size_t kAmbiguousListed = 8;

std::string lower_ascii(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

// A header cell as compared: trimmed, without a trailing unit in brackets ("个人自付金额（元）",
// "out_of_pocket (yuan)") or a required-column asterisk, ASCII letters in lower case.
std::string header_key(const std::string& cell) {
  std::string text = trim_text(cell);
  if (!text.empty() && text.back() == '*') text = trim_text(text.substr(0, text.size() - 1));
  static const std::pair<std::string, std::string> kBrackets[] = {{"（", "）"}, {"(", ")"}};
  for (const auto& [open, close] : kBrackets) {
    if (text.size() > close.size() &&
        text.compare(text.size() - close.size(), std::string::npos, close) == 0) {
      size_t at = text.rfind(open);
      if (at != std::string::npos && at > 0) text = trim_text(text.substr(0, at));
    }
  }
  return lower_ascii(text);
}

// The mapping file: {"columns": {"THEIR HEADER": "our_name", ...}}.
std::map<std::string, std::string> read_mapping(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path))
    throw Error(ErrorCode::NotFound, "cannot read the mapping file '" + path.string() + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  json mapping =
      parse_json_bounded(buffer.str(), kSmallJsonLimits, "mapping file " + path.string());
  if (!mapping.is_object() || !mapping.contains("columns") || !mapping["columns"].is_object())
    throw Error(ErrorCode::InvalidArgument,
                "mapping file " + path.string() +
                    ": expected {\"columns\": {\"THEIR HEADER\": \"our_name\", ...}}");
  std::map<std::string, std::string> out;
  const json columns = mapping["columns"];
  for (const auto& [theirs, ours] : columns.items()) {
    if (!ours.is_string())
      throw Error(ErrorCode::InvalidArgument, "mapping file " + path.string() + ": \"" + theirs +
                                                  "\" must map to a column name (a string)");
    out[header_key(theirs)] = ours.get<std::string>();
  }
  return out;
}

std::string column_names(const DepartmentSource& source) {
  std::string out;
  for (const auto& column : source.columns)
    out += (out.empty() ? "" : ", ") + column.chinese + "/" + column.name;
  return out;
}

// Which column of the file gives each of the source's columns (-1: none).
struct HeaderMap {
  std::vector<int> column_at;
  std::vector<std::string> cells;  // the header as written
};

HeaderMap map_header(const DepartmentSource& source, const CsvRecord& header,
                     const std::map<std::string, std::string>& renames,
                     const DepartmentImportOptions& options) {
  HeaderMap map;
  map.column_at.assign(source.columns.size(), -1);
  map.cells = header.fields;
  std::string where = options.file.string() + ":" + std::to_string(header.line);
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string key = header_key(header.fields[i]);
    std::string target;
    if (auto it = renames.find(key); it != renames.end()) {
      target = it->second;
      bool known = false;
      for (const auto& column : source.columns) known = known || column.name == target;
      if (!known)
        throw Error(ErrorCode::InvalidArgument, "mapping file " + options.mapping->string() +
                                                    ": \"" + header.fields[i] + "\" maps to '" +
                                                    target + "', which is not a column of " +
                                                    source.id + " (" + column_names(source) + ")");
    } else {
      for (const auto& column : source.columns) {
        bool same = key == header_key(column.chinese) || key == column.name;
        for (const auto& alias : column.aliases) same = same || key == header_key(alias);
        if (same) target = column.name;
      }
    }
    if (target.empty()) continue;  // a column the import does not read
    for (size_t k = 0; k < source.columns.size(); ++k) {
      if (source.columns[k].name != target) continue;
      if (map.column_at[k] >= 0)
        throw Error(ErrorCode::InvalidArgument,
                    where + ": columns " + std::to_string(map.column_at[k] + 1) + " (" +
                        trim_text(header.fields[static_cast<size_t>(map.column_at[k])]) + ") and " +
                        std::to_string(i + 1) + " (" + trim_text(header.fields[i]) +
                        ") both give " + source.columns[k].chinese + "/" + target);
      map.column_at[k] = static_cast<int>(i);
    }
  }
  for (size_t k = 0; k < source.columns.size(); ++k) {
    const auto& column = source.columns[k];
    if (!column.required || map.column_at[k] >= 0) continue;
    std::string given;
    for (const auto& cell : header.fields) given += (given.empty() ? "" : ", ") + trim_text(cell);
    throw Error(ErrorCode::InvalidArgument,
                where + ": the header has no column " + column.chinese + " (or " + column.name +
                    "), which a " + source.id +
                    " file needs; its columns are: " + (given.empty() ? "(none)" : given) +
                    " (a --mapping file renames a department's own headers)");
  }
  return map;
}

// The second pass: every record parses and the header gives what the source needs.
HeaderMap check_file(const DepartmentFile& file, const DepartmentSource& source,
                     const std::map<std::string, std::string>& renames,
                     const DepartmentImportOptions& options) {
  CsvRecordReader reader(file);
  CsvRecord record;
  if (!reader.next(record) || is_blank_record(record))
    throw Error(ErrorCode::InvalidArgument, options.file.string() +
                                                ":1: no header row (the first line must name the "
                                                "columns: " +
                                                column_names(source) + ")");
  HeaderMap map = map_header(source, record, renames, options);
  while (reader.next(record)) {
  }
  return map;
}

// 10000 rather than 10000.0 for a whole number of yuan.
json yuan_number(double yuan) {
  if (yuan == static_cast<double>(static_cast<int64_t>(yuan))) return static_cast<int64_t>(yuan);
  return yuan;
}

std::string id_problem(forms::ResidentIdProblem problem) {
  if (problem == forms::ResidentIdProblem::Length)
    return "wrong length (18 characters, or 15 of a first-generation card)";
  return forms::describe(problem);
}

void write_csv_line(std::ostream& out, const std::string& first,
                    const std::vector<std::string>& fields) {
  out << csv_field(first);
  for (const auto& field : fields) out << "," << csv_field(field);
  out << "\r\n";
}

// The member's fields in its household's state (empty if it is not a current member).
MemberRecord record_of(const store::Store& store, const IndexedMember& member) {
  MemberRecord record;
  record.member = member.member;
  record.household = member.household;
  json state = store.household_state(member.household);
  if (state.contains("fields") && state["fields"].is_object())
    record.household_fields = state["fields"];
  const json members = state.value("members", json::array());
  for (const auto& entry : members)
    if (entry.value("id", std::string()) == member.member && entry.contains("fields"))
      record.member_fields = entry["fields"];
  return record;
}

}  // namespace

json import_department_data(sync::CountyAuthority& county, const std::filesystem::path& data_dir,
                            const DepartmentImportOptions& options) {
  const DepartmentSource* source = find_department_source(options.source);
  if (!source) {
    std::string known;
    for (const auto& s : department_sources()) known += (known.empty() ? "" : ", ") + s.id;
    throw Error(ErrorCode::InvalidArgument,
                "unknown source '" + options.source + "' (known: " + known + ")");
  }
  std::map<std::string, std::string> renames;
  if (options.mapping) renames = read_mapping(*options.mapping);
  DepartmentFile file = inspect_department_file(options.file);
  HeaderMap header = check_file(file, *source, renames, options);

  std::shared_ptr<void> held;
  bool holding = false;
  auto hold = [&] {
    if (!options.hold_county || holding) return;
    held = options.hold_county();
    holding = true;
  };
  auto release = [&] {
    held.reset();
    holding = false;
  };
  hold();
  store::Store& store = county.store();
  MemberIndex index(store);
  AssessSettings settings = assess_settings(store.county_settings(), monitoring::today());
  std::string file_name = options.file.filename().string();

  json report = {{"import", nullptr},
                 {"dry_run", options.dry_run},
                 {"source", source->id},
                 {"file", file_name},
                 {"sha256", file.sha256},
                 {"encoding", file.encoding},
                 {"rows", 0},
                 {"matched", 0},
                 {"unmatched", 0},
                 {"ambiguous", 0},
                 {"invalid", json::array()},
                 {"risky", 0},
                 {"warnings_created", 0},
                 {"tasks_created", 0},
                 {"unmatched_lines", json::array()},
                 {"ambiguous_rows", json::array()},
                 {"warnings", json::array()},
                 {"members_indexed", index.members()},
                 {"members_without_valid_id", index.unusable()},
                 {"medical_cost_yuan", yuan_number(settings.medical_cost_yuan)}};
  std::optional<ImportRecords> records;
  int64_t import_id = 0;
  if (!options.dry_run) {
    records.emplace(store.database(), data_dir);
    import_id = records->begin(
        {options.actor, source->id, file_name, file.sha256, file.bytes, file.encoding});
    report["import"] = import_id;
  }

  size_t rows = 0, matched = 0, unmatched = 0, ambiguous = 0, risky = 0, warnings = 0, tasks = 0;
  json& invalid = report["invalid"];
  json& unmatched_lines = report["unmatched_lines"];
  json& ambiguous_rows = report["ambiguous_rows"];
  json& raised = report["warnings"];
  // The index is a database of its own, and the reader reads the file alone: only the
  // look-ups of records, the warnings and the import record need the county.
  release();
  size_t rows_this_hold = 0;
  try {
    CsvRecordReader reader(file);
    CsvRecord record;
    reader.next(record);  // the header, checked already
    if (options.unmatched_out) {
      *options.unmatched_out << "\xEF\xBB\xBF";
      write_csv_line(*options.unmatched_out, "行号", header.cells);
    }
    while (reader.next(record)) {
      if (is_blank_record(record)) continue;
      if (rows_this_hold == kRowsPerHold) {
        release();
        rows_this_hold = 0;
      }
      hold();
      ++rows_this_hold;
      ++rows;
      json cells = json::object();
      for (size_t k = 0; k < source->columns.size(); ++k) {
        int at = header.column_at[k];
        if (at >= 0 && static_cast<size_t>(at) < record.fields.size())
          cells[source->columns[k].name] = trim_text(record.fields[static_cast<size_t>(at)]);
      }
      auto reject = [&](const std::string& reason) {
        invalid.push_back({{"line", record.line}, {"reason", reason}});
      };
      std::string id_text = cells.value("id_number", std::string());
      if (id_text.empty()) {
        reject("身份证号/id_number is empty");
        continue;
      }
      forms::ResidentIdCheck id = forms::normalize_resident_id(id_text);
      if (!id.valid) {
        reject("身份证号/id_number '" + id_text + "': " + id_problem(id.problem));
        continue;
      }
      if (cells.value("name", std::string()).size() > kMaxTextBytes ||
          cells.value("stage", std::string()).size() > kMaxTextBytes) {
        reject("a name or stage longer than " + std::to_string(kMaxTextBytes) + " bytes");
        continue;
      }
      DepartmentRow row;
      row.line = record.line;
      row.values["id_number"] = id.normalized;
      row.birth_year = id.birth_year;
      row.birth_month = id.birth_month;
      row.birth_day = id.birth_day;
      if (auto reason = parse_department_values(*source, cells, row)) {
        reject(*reason);
        continue;
      }
      std::vector<IndexedMember> members = index.find(id.normalized, kAmbiguousListed);
      if (members.empty()) {
        ++unmatched;
        unmatched_lines.push_back(record.line);
        if (options.unmatched_out)
          write_csv_line(*options.unmatched_out, std::to_string(record.line), record.fields);
        continue;
      }
      if (members.size() > 1) {
        ++ambiguous;
        json ids = json::array();
        for (const auto& m : members) ids.push_back(m.member);
        ambiguous_rows.push_back({{"line", record.line}, {"members", ids}});
        continue;
      }
      ++matched;
      MemberRecord member;
      if (source->reads_record) {
        member = record_of(store, members[0]);
      } else {
        member.member = members[0].member;
        member.household = members[0].household;
      }
      Assessment assessment = assess_department_row(*source, row, member, settings);
      if (assessment.rules.empty()) continue;
      ++risky;
      json entry = {
          {"line", record.line},       {"member", member.member},   {"household", member.household},
          {"rules", assessment.rules}, {"level", assessment.level}, {"warning", nullptr},
          {"task", nullptr},           {"created", false}};
      if (!options.dry_run) {
        store::WarningRequest request;
        request.household = member.household;
        request.source = "department";
        request.trigger = source->id + "|" + id.normalized + "|" + assessment.trigger_values;
        request.level = assessment.level;
        request.rules = assessment.rules;
        request.reason = assessment.reason;
        request.values = row.values;
        request.values["source"] = source->id;
        request.values["member"] = member.member;
        request.values["import"] = import_id;
        request.values["file"] = file_name;
        request.values["line"] = record.line;
        request.prefill = assessment.prefill;
        json result = store.raise_warning(request);
        bool created = result.value("created", false);
        entry["warning"] = result["warning"];
        entry["task"] = result["task"];
        entry["created"] = created;
        if (created) {
          ++warnings;
          if (result["task"].is_string()) ++tasks;
        }
      }
      raised.push_back(std::move(entry));
    }
  } catch (const std::exception& e) {
    hold();
    if (records) records->fail(import_id, e.what());
    throw;
  }
  hold();
  report["rows"] = rows;
  report["matched"] = matched;
  report["unmatched"] = unmatched;
  report["ambiguous"] = ambiguous;
  report["risky"] = risky;
  report["warnings_created"] = warnings;
  report["tasks_created"] = tasks;
  if (records) records->finish(import_id, report);
  return report;
}

}  // namespace doorstep::server
