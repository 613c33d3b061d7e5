// Strict reader for the scenario's CSV tables: exact header, one value per column, messages
// that name the file, line and column.
#pragma once

#include <string>
#include <vector>

#include "migsim/calendar.hpp"

namespace migsim::detail {

class CsvTable {
 public:
  /// Parses `text`; `where` names the file in messages. The header must hold every one of the
  /// `columns` and may hold any of the `optional` ones (any order), nothing else; a missing optional
  /// column reads as empty cells. Throws TableError.
  CsvTable(const std::string& text, std::string where, const std::vector<std::string>& columns,
           const std::vector<std::string>& optional = {});

  std::size_t rows() const { return rows_.size(); }
  /// 1-based line number of row `r` in the file, for messages.
  std::size_t line(std::size_t r) const { return lines_[r]; }
  const std::string& where() const { return where_; }

  const std::string& text(std::size_t r, const std::string& column) const;
  /// Non-empty text, or TableError.
  const std::string& name(std::size_t r, const std::string& column) const;
  double number(std::size_t r, const std::string& column, double min, double max) const;
  /// Empty cell -> `fallback`.
  double number_or(std::size_t r, const std::string& column, double fallback, double min, double max) const;
  Date date(std::size_t r, const std::string& column) const;
  bool empty(std::size_t r, const std::string& column) const { return text(r, column).empty(); }

  /// Throws TableError "<file>:<line>: column '<column>': <problem>".
  [[noreturn]] void fail(std::size_t r, const std::string& column, const std::string& problem) const;

 private:
  std::size_t column_index(const std::string& column) const;
  std::string where_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::size_t> lines_;
};

}  // namespace migsim::detail
