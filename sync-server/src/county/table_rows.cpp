// Typed cells and held tables.
#include "county/table_rows.h"

#include <cmath>
#include <cstdlib>

namespace doorstep::server {
namespace {

// The text of a number as JSON writes it, whole numbers without a decimal point.
std::string number_text(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15)
    return std::to_string(static_cast<int64_t>(value));
  return nlohmann::json(value).dump();
}

// Whether `text` is a plain decimal number (an optional minus, digits, an optional fraction),
// as a form's calculation writes one.
bool is_decimal(const std::string& text) {
  size_t i = text.size() > 0 && text[0] == '-' ? 1 : 0;
  size_t digits = 0;
  bool point = false;
  for (; i < text.size(); ++i) {
    if (text[i] >= '0' && text[i] <= '9') {
      ++digits;
    } else if (text[i] == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  return digits > 0 && digits <= 15 && text.back() != '.';
}

}  // namespace

TableCell::TableCell(std::string value) : text(std::move(value)) {}
TableCell::TableCell(const char* value) : text(value) {}

TableCell TableCell::of_number(double value) {
  TableCell cell;
  cell.kind = CellKind::Number;
  cell.number = value;
  cell.text = number_text(value);
  return cell;
}

TableCell TableCell::of_json_number(const nlohmann::json& value) {
  if (value.is_number()) return of_number(value.get<double>());
  if (!value.is_string()) return value.is_null() ? TableCell() : TableCell(value.dump());
  std::string text = value.get<std::string>();
  if (!is_decimal(text)) return TableCell(text);
  TableCell cell = of_number(std::strtod(text.c_str(), nullptr));
  cell.text = text;
  return cell;
}

TableCell TableCell::of_date(const std::string& value) {
  auto date = monitoring::Date::parse(value);
  if (!date) return TableCell(value);
  TableCell cell;
  cell.kind = CellKind::Date;
  cell.date = *date;
  cell.text = value;
  return cell;
}

const std::string& header_of(const TableColumn& column, const std::string& language) {
  return language == "en" ? column.name : column.chinese;
}

std::vector<TableColumn> division_columns() {
  return {{"township_code", "乡镇代码", CellKind::Text, 14},
          {"township_name", "乡镇名称", CellKind::Text, 18},
          {"village_code", "村代码", CellKind::Text, 16},
          {"village_name", "村名称", CellKind::Text, 18},
          {"grid_code", "网格代码", CellKind::Text, 20},
          {"grid_name", "网格名称", CellKind::Text, 14}};
}

void add_division_cells(TableRow& row, const nlohmann::json& divisions) {
  for (const char* key :
       {"township_code", "township_name", "village_code", "village_name", "grid", "grid_name"}) {
    auto it = divisions.is_object() ? divisions.find(key) : divisions.end();
    row.push_back(it != divisions.end() && it->is_string() ? it->get<std::string>()
                                                           : std::string());
  }
}

void write_table(const Table& table, const std::string& language, TableSink& sink) {
  sink.begin(table.title, table.columns, language);
  for (const auto& row : table.rows) sink.row(row);
  sink.finish();
}

}  // namespace doorstep::server
