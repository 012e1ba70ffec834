// /imports: the department data imports (部门信息比对) and their reports; a county officer
// uploads a department's file here and it is imported as `doorstep-server import` would,
// with the officer as the import's actor and as the author of the warnings it raises.
#include <fstream>
#include <memory>
#include <mutex>

#include "core/common/error.h"
#include "core/crypto/hash.h"
#include "county/department_import.h"
#include "county/department_sources.h"
#include "county/import_records.h"
#include "web/dashboard.h"
#include "web/json_text.h"
#include "web/pages.h"
#include "web/widgets.h"

namespace doorstep::server::web {
namespace {

using nlohmann::json;

constexpr size_t kUploadLimit = size_t{64} * 1024 * 1024;

void require_county(const StaffRequest& request) {
  // Department data is the county's: for other staff the pages do not exist.
  if (!request.at_least(StaffRole::County)) throw Error(ErrorCode::NotFound, "county staff only");
}

// The uploaded file's own name without any folder, and only characters that are safe in a
// file name (others become '_'), so that the import record names the file the officer chose.
std::string safe_file_name(const std::string& uploaded) {
  std::string name = uploaded.substr(
      uploaded.find_last_of("/\\") == std::string::npos ? 0 : uploaded.find_last_of("/\\") + 1);
  for (auto& c : name)
    if (static_cast<unsigned char>(c) < 0x20 || c == ':' || c == '*' || c == '?' || c == '"' ||
        c == '<' || c == '>' || c == '|')
      c = '_';
  if (name.empty() || name == "." || name == ".." || name.size() > 200) name = "upload.csv";
  return name;
}

std::string source_label(const std::string& id) {
  const DepartmentSource* source = find_department_source(id);
  return source ? source->label + " (" + id + ")" : id;
}

Markup counts_cells(const json& counts) {
  return html(
      "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
      "<td class=\"num\">{}</td>",
      counts.value("rows", json()), counts.value("matched", json()),
      counts.value("unmatched", json()), counts.value("warnings_created", json()));
}

std::string line_label(const StaffRequest& request, const json& line) {
  std::string number = line.is_number() ? line.dump() : "?";
  return request.lang == Lang::Zh ? "第 " + number + " 行" : "line " + number;
}

Markup report_body(const StaffRequest& request, const json& report) {
  Markup invalid;
  if (report.contains("invalid") && report["invalid"].is_array())
    for (const auto& row : report["invalid"])
      invalid += html("<li>{}：{}</li>", line_label(request, row.value("line", json())),
                      json_text(row, "reason"));
  Markup warnings;
  if (report.contains("warnings") && report["warnings"].is_array())
    for (const auto& row : report["warnings"])
      warnings += html("<li>{} · <a href=\"/households/{}\">{}</a> · {}</li>",
                       line_label(request, row.value("line", json())), json_text(row, "household"),
                       json_text(row, "household"),
                       row.value("created", false) ? request.t("新预警", "new warning")
                                                   : request.t("已有预警", "warned before"));
  return html(
      "<dl class=\"facts\"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{} ({})</dd><dt>{}</dt><dd>{}</dd>"
      "<dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd>"
      "<dt>{}</dt><dd>{}</dd></dl>{}{}",
      request.t("来源", "Source"), source_label(json_text(report, "source")),
      request.t("文件", "File"), json_text(report, "file"), json_text(report, "encoding"),
      request.t("行数", "Rows"), report.value("rows", json()), request.t("匹配", "Matched"),
      report.value("matched", json()), request.t("未匹配", "Unmatched"),
      report.value("unmatched", json()), request.t("重复号码", "Ambiguous"),
      report.value("ambiguous", json()), request.t("有风险的行", "Risky rows"),
      report.value("risky", json()),
      request.t("新预警 / 核实任务", "Warnings / verify tasks created"),
      std::to_string(report.value("warnings_created", 0)) + " / " +
          std::to_string(report.value("tasks_created", 0)),
      invalid.text.empty()
          ? raw("")
          : html("<h2>{}</h2><ul>{}</ul>", request.t("无效的行", "Invalid rows"), invalid),
      warnings.text.empty()
          ? raw("")
          : html("<h2>{}</h2><ul>{}</ul>", request.t("引发预警的行", "Rows that raised warnings"),
                 warnings));
}

}  // namespace

void add_import_pages(Dashboard& dashboard, Router& router) {
  dashboard.add_page(router, "GET", "/imports", [&dashboard](StaffRequest& request) {
    require_county(request);
    json list;
    {
      auto guard = dashboard.county().lock();
      list = ImportRecords(dashboard.county().authority().store().database(), dashboard.data_dir())
                 .list();
    }
    Markup rows;
    for (const auto& record : list["imports"])
      rows += html(
          "<tr><td><a href=\"/imports/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td>"
          "<td>{}</td>{}</tr>",
          record.value("id", 0), record.value("id", 0),
          time_of_iso(json_text(record, "started_at")), source_label(json_text(record, "source")),
          json_text(record, "file"), json_text(record, "actor"),
          counts_cells(record.value("counts", json::object())));
    Options sources;
    for (const auto& source : department_sources())
      sources.push_back({source.id, source.label + " (" + source.id + ")"});
    Markup body = action_notice(request);
    body += html(
        "<form method=\"post\" action=\"/imports\" enctype=\"multipart/form-data\" "
        "class=\"card action bounded\">{}<h2>{}</h2>{}<div class=\"field\"><label "
        "for=\"i-file\">{}</label>"
        "<input type=\"file\" id=\"i-file\" name=\"file\" accept=\".csv,text/csv\" required></div>"
        "<div class=\"field check\"><input type=\"checkbox\" id=\"i-dry\" name=\"dry_run\" "
        "value=\"1\"><label for=\"i-dry\">{}</label></div>"
        "<button type=\"submit\" class=\"primary\">{}</button><p class=\"hint\">{}</p></form>",
        csrf_field(request), request.t("导入部门数据", "Import a department's data"),
        select_field("i-source", request.t("数据来源部门", "Department"), "source", sources, ""),
        request.t("CSV 文件（UTF-8 或 GBK）", "CSV file (UTF-8 or GBK)"),
        request.t("只比对，不生成预警", "Match only, raise no warning (dry run)"),
        request.t("上传并比对", "Upload and match"),
        request.t("按身份证号与全县成员比对；有风险的行生成预警和核实任务。",
                  "Rows are matched with the county's members by ID number; risky rows raise "
                  "warnings with verify tasks."));
    body += list["imports"].empty()
                ? html("<p class=\"empty\">{}</p>", request.t("还没有导入。", "No import yet."))
                : html(
                      "<div class=\"table-wrap\"><table class=\"data\"><thead><tr>"
                      "<th scope=\"col\">#</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>"
                      "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\" "
                      "class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th "
                      "scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th>"
                      "</tr></thead><tbody>{}</tbody></table></div>",
                      request.t("时间", "When"), request.t("来源", "Source"),
                      request.t("文件", "File"), request.t("导入人", "By"),
                      request.t("行数", "Rows"), request.t("匹配", "Matched"),
                      request.t("未匹配", "Unmatched"), request.t("新预警", "Warnings"), rows);
    return dashboard.layout().page(
        request, {request.t("部门数据比对", "Department data"), "/imports", body});
  });

  dashboard.add_page(router, "GET", "/imports/{id}", [&dashboard](StaffRequest& request) {
    require_county(request);
    const std::string& text = request.params.at("id");
    if (text.empty() || text.size() > 12 ||
        text.find_first_not_of("0123456789") != std::string::npos)
      throw Error(ErrorCode::NotFound, "no such import");
    json record;
    {
      auto guard = dashboard.county().lock();
      record =
          ImportRecords(dashboard.county().authority().store().database(), dashboard.data_dir())
              .show(std::stoll(text));
    }
    Markup body = action_notice(request);
    body +=
        html("<p class=\"lead\">{} · {} · {}</p>", time_of_iso(json_text(record, "started_at")),
             json_text(record, "actor"), status_label(request.lang, json_text(record, "status")));
    if (record.contains("report") && record["report"].is_object() && !record["report"].empty())
      body += report_body(request, record["report"]);
    if (!json_text(record, "error").empty())
      body += html("<div class=\"notice error\"><p>{}</p></div>", json_text(record, "error"));
    return dashboard.layout().page(
        request, {std::string(request.t("导入 #", "Import #")) + text, "/imports", body});
  });

  dashboard.add_page(
      router, "POST", "/imports",
      [&dashboard](StaffRequest& request) {
        require_county(request);
        const MultipartPart* file = nullptr;
        for (const auto& part : request.files)
          if (part.name == "file") file = &part;
        if (!file || file->body.empty())
          throw Error(ErrorCode::InvalidArgument,
                      request.t("请选择要上传的文件。", "Choose a file."));
        std::string source = request.field("source");
        if (!find_department_source(source))
          throw Error(ErrorCode::InvalidArgument, "department '" + source + "' is not known");
        // The upload goes to a file in the county folder, named by its content; the import
        // reads it as `doorstep-server import --file` does, and it is removed afterwards.
        std::string stem = crypto::to_hex(crypto::sha256(file->body)).substr(0, 16);
        std::string name = safe_file_name(file->filename);
        std::filesystem::path folder = dashboard.data_dir() / "uploads" / stem;
        std::filesystem::create_directories(folder);
        std::filesystem::path path = folder / name;
        {
          std::ofstream out(path, std::ios::binary | std::ios::trunc);
          out.write(file->body.data(), static_cast<std::streamsize>(file->body.size()));
          if (!out) throw Error(ErrorCode::Io, "cannot write the upload to " + path.string());
        }
        json report;
        try {
          DepartmentImportOptions options;
          options.source = source;
          options.file = path;
          options.dry_run = request.field("dry_run") == "1";
          options.actor = request.staff.name;
          // The file is checked before the county is locked, and matched in batches of
          // rows, each under the lock, so devices sync while a department's file is read.
          struct Held {
            Held(Dashboard& dashboard, const StaffRequest& request)
                : guard(dashboard.county().lock()), acting(dashboard, request) {}
            std::unique_lock<std::mutex> guard;
            Dashboard::ActingAs acting;
          };
          options.hold_county = [&dashboard, &request]() -> std::shared_ptr<void> {
            return std::make_shared<Held>(dashboard, request);
          };
          report =
              import_department_data(dashboard.county().authority(), dashboard.data_dir(), options);
          auto guard = dashboard.county().lock();
          if (!options.dry_run)
            StaffAccounts(dashboard.county().authority().store().database())
                .record_action(request.staff, "import", source,
                               {{"file", name}, {"import", report.value("import", json())}},
                               CountyContext::now());
        } catch (...) {
          std::error_code ignored;
          std::filesystem::remove_all(folder, ignored);
          throw;
        }
        std::error_code ignored;
        std::filesystem::remove_all(folder, ignored);
        dashboard.event("info", "staff_import",
                        {{"name", request.staff.name}, {"source", source}, {"file", name}});
        if (!report["import"].is_null())
          return redirect_to("/imports/" + std::to_string(report["import"].get<int64_t>()) +
                             "?msg=imported");
        Markup body = html("<div class=\"notice\"><p>{}</p></div>",
                           request.t("只比对（没有写入任何数据）：", "Dry run (nothing written):"));
        body += report_body(request, report);
        return dashboard.layout().page(request,
                                       {request.t("比对结果", "Match report"), "/imports", body});
      },
      kUploadLimit);
}

}  // namespace doorstep::server::web
