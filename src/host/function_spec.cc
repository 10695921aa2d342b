#include "host/function_spec.h"

#include <cmath>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <set>
#include <string_view>

#include "json/parse.h"
#include "json/pointer.h"

namespace allma::host {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kKnownKeys[] = {
    "name",        "runtime",        "handler",  "codeDir",
    "environment", "timeoutSeconds", "memoryMb", "reservedConcurrency",
    "aliases"};


// Builds errors of the form "<source>: <pointer>: <what>".
class Reporter {
 public:
  explicit Reporter(std::string source) : source_(std::move(source)) {}

  Error at(const std::string& pointer, const std::string& what) const {
    return make_error(ErrorCode::kInvalidArgument,
                      source_ + ": " + (pointer.empty() ? "/" : pointer) + ": " + what,
                      "InvalidFunctionsFile");
  }

 private:
  std::string source_;
};

Result<std::string> get_string(const boost::json::object& o, std::string_view key,
                               const std::string& at, const Reporter& r, bool required) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) {
    if (required) return r.at(at, "missing required key \"" + std::string(key) + "\"");
    return std::string();
  }
  if (!v->is_string()) return r.at(at + "/" + std::string(key), "must be a string");
  return std::string(v->as_string());
}

Result<int> get_int(const boost::json::object& o, std::string_view key, const std::string& at,
                    const Reporter& r, int fallback, int min, int max) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return fallback;
  const std::string where = at + "/" + std::string(key);
  const std::string range =
      "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
  // The range is checked before the cast: casting an out-of-range double is undefined.
  if (v->is_double() && std::isfinite(v->as_double()) && std::abs(v->as_double()) < 1e15 &&
      v->as_double() == static_cast<double>(static_cast<long long>(v->as_double()))) {
    const double d = v->as_double();
    if (d < min || d > max) return r.at(where, range);
    return static_cast<int>(d);
  }
  if (!v->is_int64() && !v->is_uint64()) return r.at(where, range);
  const long long n = v->is_int64() ? v->as_int64() : static_cast<long long>(v->as_uint64());
  if (v->is_uint64() && v->as_uint64() > static_cast<unsigned long long>(max)) {
    return r.at(where, range);
  }
  if (n < min || n > max) return r.at(where, range);
  return static_cast<int>(n);
}

Result<std::vector<std::pair<std::string, std::string>>> get_environment(
    const boost::json::object& o, const std::string& at, const Reporter& r) {
  std::vector<std::pair<std::string, std::string>> env;
  const boost::json::value* v = o.if_contains("environment");
  if (v == nullptr) return env;
  if (!v->is_object()) return r.at(at + "/environment", "must be an object of strings");
  for (const auto& [key, value] : v->as_object()) {
    const std::string where = json::pointer_append(at + "/environment", key);
    if (key.empty() || key.find('=') != std::string_view::npos ||
        key.find('\0') != std::string_view::npos) {
      return r.at(where, "not a valid environment variable name");
    }
    if (!value.is_string()) return r.at(where, "must be a string");
    if (value.as_string().find('\0') != std::string_view::npos) {
      return r.at(where, "must not contain a NUL character");
    }
    env.emplace_back(std::string(key), std::string(value.as_string()));
  }
  return env;
}

Result<std::map<std::string, std::string>> get_aliases(const boost::json::object& o,
                                                       const std::string& at, const Reporter& r) {
  std::map<std::string, std::string> aliases;
  const boost::json::value* v = o.if_contains("aliases");
  if (v == nullptr) return aliases;
  if (!v->is_object()) return r.at(at + "/aliases", "must be an object of strings");
  for (const auto& [key, value] : v->as_object()) {
    const std::string where = json::pointer_append(at + "/aliases", key);
    if (!is_valid_function_name(key) || key == "$LATEST") {
      return r.at(where, "alias names are 1-64 of [A-Za-z0-9_-]");
    }
    if (!value.is_string() || value.as_string().empty()) {
      return r.at(where, "must be a version string such as \"1\" or \"$LATEST\"");
    }
    aliases.emplace(std::string(key), std::string(value.as_string()));
  }
  return aliases;
}

Result<Runtime> get_runtime(const boost::json::object& o, const std::string& at,
                            const Reporter& r) {
  Result<std::string> text = get_string(o, "runtime", at, r, true);
  if (!text.ok()) return text.error();
  if (*text == "provided") return Runtime::kProvided;
  if (*text == "nodejs") return Runtime::kNodejs;
  return r.at(at + "/runtime", "must be \"provided\" or \"nodejs\"");
}

Status check_code_dir(FunctionSpec& spec, const std::string& base_dir, const std::string& at,
                      const Reporter& r) {
  fs::path dir(spec.code_dir);
  if (dir.is_relative()) dir = fs::path(base_dir) / dir;
  std::error_code ec;
  fs::path absolute = fs::weakly_canonical(fs::absolute(dir, ec), ec);
  if (ec || !fs::is_directory(absolute, ec)) {
    return r.at(at + "/codeDir", "not a directory: " + dir.string());
  }
  spec.code_dir = absolute.string();
  if (spec.runtime == Runtime::kProvided) {
    const fs::path bootstrap = absolute / "bootstrap";
    if (::access(bootstrap.c_str(), X_OK) != 0) {
      return r.at(at + "/codeDir", "no executable bootstrap in " + absolute.string());
    }
  }
  return ok_status();
}

Status check_keys(const boost::json::object& o, const std::string& at, const Reporter& r) {
  for (const auto& member : o) {
    bool known = false;
    for (std::string_view k : kKnownKeys) known = known || member.key() == k;
    if (!known) {
      return r.at(json::pointer_append(at, member.key()),
                  "unknown key (expected name, runtime, handler, codeDir, environment, "
                  "timeoutSeconds, memoryMb, reservedConcurrency, aliases)");
    }
  }
  return ok_status();
}

Result<FunctionSpec> parse_one(const boost::json::value& v, const std::string& at,
                               const std::string& base_dir, const Reporter& r) {
  if (!v.is_object()) return r.at(at, "must be an object");
  const boost::json::object& o = v.as_object();
  if (Status s = check_keys(o, at, r); !s.ok()) return s.error();

  FunctionSpec spec;
  Result<std::string> name = get_string(o, "name", at, r, true);
  if (!name.ok()) return name.error();
  if (!is_valid_function_name(*name)) return r.at(at + "/name", "must be 1-64 of [A-Za-z0-9_-]");
  spec.name = *name;

  Result<Runtime> runtime = get_runtime(o, at, r);
  if (!runtime.ok()) return runtime.error();
  spec.runtime = *runtime;
  Result<std::string> handler = get_string(o, "handler", at, r, spec.runtime == Runtime::kNodejs);
  if (!handler.ok()) return handler.error();
  spec.handler = *handler;
  Result<std::string> code_dir = get_string(o, "codeDir", at, r, true);
  if (!code_dir.ok()) return code_dir.error();
  spec.code_dir = *code_dir;

  Result<int> timeout = get_int(o, "timeoutSeconds", at, r, 3, 1, 900);
  Result<int> memory = get_int(o, "memoryMb", at, r, 128, 128, 10240);
  Result<int> concurrency = get_int(o, "reservedConcurrency", at, r, 10, 1, 1000);
  if (!timeout.ok()) return timeout.error();
  if (!memory.ok()) return memory.error();
  if (!concurrency.ok()) return concurrency.error();
  spec.timeout = std::chrono::seconds(*timeout);
  spec.memory_mb = *memory;
  spec.reserved_concurrency = *concurrency;

  auto env = get_environment(o, at, r);
  if (!env.ok()) return env.error();
  spec.environment = std::move(*env);
  auto aliases = get_aliases(o, at, r);
  if (!aliases.ok()) return aliases.error();
  spec.aliases = std::move(*aliases);

  if (Status s = check_code_dir(spec, base_dir, at, r); !s.ok()) return s.error();
  return spec;
}

}  // namespace

bool is_valid_function_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

Result<std::vector<FunctionSpec>> parse_functions(const boost::json::value& document,
                                                  const std::string& base_dir,
                                                  const std::string& source) {
  const Reporter r(source);
  if (!document.is_object()) return r.at("", "must be an object with a \"functions\" array");
  const boost::json::object& root = document.as_object();
  for (const auto& member : root) {
    if (member.key() != "functions") {
      return r.at(json::pointer_append("", member.key()), "unknown key (expected \"functions\")");
    }
  }
  const boost::json::value* list = root.if_contains("functions");
  if (list == nullptr) return r.at("", "missing required key \"functions\"");
  if (!list->is_array()) return r.at("/functions", "must be an array");

  std::vector<FunctionSpec> specs;
  std::set<std::string> names;
  const boost::json::array& items = list->as_array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string at = "/functions/" + std::to_string(i);
    Result<FunctionSpec> spec = parse_one(items[i], at, base_dir, r);
    if (!spec.ok()) return spec.error();
    if (!names.insert(spec->name).second) {
      return r.at(at + "/name", "duplicate function name \"" + spec->name + "\"");
    }
    specs.push_back(std::move(*spec));
  }
  return specs;
}

Result<std::vector<FunctionSpec>> load_functions(const std::string& path) {
  Result<boost::json::value> document = json::parse_file(path);
  if (!document.ok()) {
    Error e = document.error();
    if (e.code != ErrorCode::kNotFound) e.name = "InvalidFunctionsFile";
    return e;
  }
  std::error_code ec;
  fs::path base = fs::absolute(fs::path(path), ec).parent_path();
  return parse_functions(*document, base.string(), path);
}

}  // namespace allma::host
