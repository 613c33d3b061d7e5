// Typed errors: every misuse of the engine raises one of these, never exits the process.
#pragma once

#include <stdexcept>
#include <string>

namespace migsim {

/// Base of all migsim errors.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Invalid scenario content: YAML keys, values, types, dates, cross-references.
/// The message names the file and key path (or line) with what was expected and found.
class ScenarioError : public Error {
 public:
  using Error::Error;
};

/// A CSV table is malformed (message names file and line).
class TableError : public ScenarioError {
 public:
  using ScenarioError::ScenarioError;
};

/// A bad argument to a run (seed, threads, scale, until, output path, an override without '=').
/// An override with an unknown key or a bad value is a ScenarioError, like the same key in a file.
class ArgumentError : public Error {
 public:
  using Error::Error;
};

/// Reading or writing an output file failed.
class OutputError : public Error {
 public:
  using Error::Error;
};

}  // namespace migsim
