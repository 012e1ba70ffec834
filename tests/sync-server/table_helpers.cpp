#include "tests/sync-server/table_helpers.h"

#include <doctest/doctest.h>

#include "tests/support/test_support.h"

namespace doorstep::test {
namespace {

constexpr const char* kXlsxReader = R"py(
import datetime, json, re, sys, zipfile
import xml.etree.ElementTree as ET

M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
R = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}'
book = zipfile.ZipFile(sys.argv[1])
names = book.namelist()
workbook = ET.fromstring(book.read('xl/workbook.xml'))
rels = ET.fromstring(book.read('xl/_rels/workbook.xml.rels'))
targets = {r.get('Id'): r.get('Target') for r in rels}
styles = ET.fromstring(book.read('xl/styles.xml'))
formats = {int(f.get('numFmtId')): f.get('formatCode') for f in styles.iter(M + 'numFmt')}
xfs = [int(x.get('numFmtId', '0')) for x in styles.find(M + 'cellXfs')]
def is_date(format_id):
    if 14 <= format_id <= 22:
        return True
    code = re.sub(r'"[^"]*"|\[[^\]]*\]', '', formats.get(format_id, '')).lower()
    return bool(re.search(r'[yd]', code))
date_styles = [i for i, f in enumerate(xfs) if is_date(f)]
shared = []
if 'xl/sharedStrings.xml' in names:
    for si in ET.fromstring(book.read('xl/sharedStrings.xml')):
        shared.append(''.join(t.text or '' for t in si.iter(M + 't')))
def column(ref):
    letters = re.match('[A-Z]+', ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1
out = {'sheets': [], 'date_styles': date_styles, 'worksheets': []}
for sheet in workbook.find(M + 'sheets'):
    out['sheets'].append(sheet.get('name'))
    xml = ET.fromstring(book.read('xl/' + targets[sheet.get(R + 'id')]))
    pane = xml.find(M + 'sheetViews/' + M + 'sheetView/' + M + 'pane')
    cols = [{'min': int(c.get('min')), 'max': int(c.get('max')), 'width': float(c.get('width'))}
            for c in xml.iter(M + 'col')]
    rows = []
    for r in xml.find(M + 'sheetData'):
        row = []
        for c in r:
            t, s = c.get('t'), int(c.get('s', '0'))
            v = c.find(M + 'v')
            if t == 'inlineStr':
                value = ''.join(x.text or '' for x in c.iter(M + 't'))
            elif t == 's':
                value = shared[int(v.text)]
            else:
                value = v.text if v is not None else None
            cell = {'ref': c.get('r'), 'col': column(c.get('r')), 't': t, 's': s, 'v': value}
            if t in (None, 'n') and s in date_styles and value is not None:
                day = datetime.date(1899, 12, 30) + datetime.timedelta(days=float(value))
                cell['date'] = day.isoformat()
            row.append(cell)
        rows.append(row)
    out['worksheets'].append({'pane': dict(pane.attrib) if pane is not None else None,
                              'cols': cols, 'rows': rows})
print(json.dumps(out, ensure_ascii=False))
)py";

}  // namespace

std::vector<CsvRow> parse_csv(const std::string& text) {
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      REQUIRE_MESSAGE(field.empty(), "a quote inside an unquoted field at byte ", i);
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\r') {
      REQUIRE_MESSAGE((i + 1 < text.size() && text[i + 1] == '\n'), "a CR without LF at ", i);
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      ++i;
    } else {
      REQUIRE_MESSAGE(c != '\n', "a bare LF outside quotes at byte ", i);
      field.push_back(c);
    }
  }
  REQUIRE_MESSAGE((field.empty() && row.empty()), "the last line has no CRLF");
  return rows;
}

nlohmann::json read_xlsx(const std::filesystem::path& path) {
  auto read = run_process("/usr/bin/python3", {"-c", kXlsxReader, path.string()});
  INFO(read.err);
  REQUIRE(read.exit_code == 0);
  return nlohmann::json::parse(read.out);
}

}  // namespace doorstep::test
