#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace allma::host {

// How a function's runtime process is started.
enum class Runtime {
  kProvided,  // `<code_dir>/bootstrap`, the AWS custom-runtime contract
  kNodejs,    // Node.js running npm's aws-lambda-ric with the handler
};

// One function the local host serves, as declared in a functions file.
//
// The functions file is a JSON object:
//
//   {"functions": [{
//      "name": "echo",                  required; Lambda's rule: 1-64 of [A-Za-z0-9_-]
//      "runtime": "provided",           required; "provided" or "nodejs"
//      "handler": "index.handler",      required for nodejs; for provided passed as _HANDLER
//      "codeDir": "functions/echo",     required; relative to the file's directory
//      "environment": {"K": "v"},       optional; string values only
//      "timeoutSeconds": 3,             optional; integer 1..900, default 3
//      "memoryMb": 128,                 optional; integer 128..10240, default 128
//      "reservedConcurrency": 10,       optional; integer 1..1000, default 10
//      "aliases": {"prod": "1"}         optional; alias name -> version (string)
//   }]}
//
// Unknown keys are errors, so a typo never silently falls back to a default.
struct FunctionSpec {
  std::string name;
  Runtime runtime = Runtime::kProvided;
  std::string handler;
  std::string code_dir;  // absolute
  std::vector<std::pair<std::string, std::string>> environment;
  std::chrono::seconds timeout{3};
  int memory_mb = 128;
  int reserved_concurrency = 10;
  std::map<std::string, std::string> aliases;
};

// Reads and validates the functions file at `path`. For `provided` functions the code directory
// must hold an executable `bootstrap`. Fails with kNotFound when the file is missing and
// kInvalidArgument for any other problem, with a message "<path>: <JSON pointer>: <what>", e.g.
// `functions.json: /functions/2/runtime: must be "provided" or "nodejs"`. Thread-safe.
Result<std::vector<FunctionSpec>> load_functions(const std::string& path);

// Validates an already-parsed functions document; relative code directories are resolved
// against `base_dir` and messages start with `source`. Same errors as load_functions.
Result<std::vector<FunctionSpec>> parse_functions(const boost::json::value& document,
                                                  const std::string& base_dir,
                                                  const std::string& source);

// True when `name` follows Lambda's function-name rule (1-64 of [A-Za-z0-9_-]).
bool is_valid_function_name(std::string_view name);

}  // namespace allma::host
