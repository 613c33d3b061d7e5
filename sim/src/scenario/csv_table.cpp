#include "scenario/csv_table.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "migsim/errors.hpp"
#include "migsim/scenario.hpp"
#include "scenario/number_text.hpp"

namespace migsim::detail {
namespace {

std::string strip(std::string s) {
  auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

/// Splits one CSV line, honouring double quotes ("" inside quotes is a quote).
std::vector<std::string> split_line(const std::string& line, bool& ok) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  ok = true;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
        field += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(strip(field));
      field.clear();
    } else {
      field += c;
    }
  }
  if (quoted) ok = false;
  fields.push_back(strip(field));
  return fields;
}

}  // namespace

CsvTable::CsvTable(const std::string& text, std::string where, const std::vector<std::string>& columns,
                   const std::vector<std::string>& optional)
    : where_(std::move(where)) {
  std::vector<std::string> allowed = columns;
  allowed.insert(allowed.end(), optional.begin(), optional.end());
  std::istringstream in(text);
  std::string line;
  std::size_t number = 0;
  bool have_header = false;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 BOM
    if (strip(line).empty()) continue;
    bool ok = true;
    auto fields = split_line(line, ok);
    if (!ok) throw TableError(where_ + ":" + std::to_string(number) + ": unterminated quoted field");
    if (!have_header) {
      header_ = fields;
      have_header = true;
      for (const auto& name : header_) {
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
          auto hint = did_you_mean(name, allowed);
          throw TableError(where_ + ":" + std::to_string(number) + ": unknown column '" + name + "'" +
                           (hint.empty() ? "" : " (did you mean '" + hint + "'?)") + "; expected columns: " + [&] {
                             std::string all;
                             for (const auto& c : columns) all += (all.empty() ? "" : ",") + c;
                             for (const auto& c : optional) all += ",[" + c + "]";
                             return all;
                           }());
        }
        if (std::count(header_.begin(), header_.end(), name) > 1)
          throw TableError(where_ + ":" + std::to_string(number) + ": column '" + name + "' appears twice");
      }
      for (const auto& name : columns)
        if (std::find(header_.begin(), header_.end(), name) == header_.end())
          throw TableError(where_ + ":" + std::to_string(number) + ": missing column '" + name + "'");
      continue;
    }
    if (fields.size() != header_.size())
      throw TableError(where_ + ":" + std::to_string(number) + ": expected " + std::to_string(header_.size()) +
                       " comma-separated values, found " + std::to_string(fields.size()));
    rows_.push_back(std::move(fields));
    lines_.push_back(number);
  }
  if (!have_header) throw TableError(where_ + ": file is empty; expected a header line");
}

std::size_t CsvTable::column_index(const std::string& column) const {
  return static_cast<std::size_t>(std::find(header_.begin(), header_.end(), column) - header_.begin());
}

const std::string& CsvTable::text(std::size_t r, const std::string& column) const {
  static const std::string absent;  // an optional column the file does not have
  const std::size_t i = column_index(column);
  return i < header_.size() ? rows_[r][i] : absent;
}

void CsvTable::fail(std::size_t r, const std::string& column, const std::string& problem) const {
  throw TableError(where_ + ":" + std::to_string(lines_[r]) + ": column '" + column + "': " + problem);
}

const std::string& CsvTable::name(std::size_t r, const std::string& column) const {
  const auto& value = text(r, column);
  if (value.empty()) fail(r, column, "expected a value, found an empty cell");
  return value;
}

double CsvTable::number(std::size_t r, const std::string& column, double min, double max) const {
  const auto& value = text(r, column);
  if (value.empty()) fail(r, column, "expected a number, found an empty cell");
  double parsed = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (ec != std::errc() || ptr != value.data() + value.size() || !std::isfinite(parsed))
    fail(r, column, "expected a number, found '" + value + "'");
  if (parsed < min || parsed > max)
    fail(r, column, "expected a number in [" + number_text(min) + ", " + number_text(max) + "], found " + value);
  return parsed;
}

double CsvTable::number_or(std::size_t r, const std::string& column, double fallback, double min, double max) const {
  return empty(r, column) ? fallback : number(r, column, min, max);
}

Date CsvTable::date(std::size_t r, const std::string& column) const {
  const auto& value = text(r, column);
  Date parsed;
  if (!Date::parse(value, parsed)) fail(r, column, "expected a date YYYY-MM-DD, found '" + value + "'");
  return parsed;
}

}  // namespace migsim::detail
