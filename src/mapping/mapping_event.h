#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/result.h"
#include "flow/flow.h"
#include "json/scope.h"

namespace allma::mapping {

// What happened to one inputMappings, literals or outputMappings entry, for the step's log
// record (reference §6.1, §9.7). Never holds the mapped value (it may be a payload or secret).
struct MappingEvent {
  std::string kind;    // kInputMapping, kLiteral or kOutputMapping
  std::string status;  // kSuccess, kWarn or kError
  std::string target;  // the target as written
  std::string source;  // the source path as written ("" for constant literals)
  // Self-contained for WARN and ERROR (`input mapping "t" <- "$.nope": source matched
  // nothing`), so it can be shown alone; empty or a short note for SUCCESS.
  std::string message;
};

constexpr std::string_view kInputMapping = "INPUT_MAPPING";
constexpr std::string_view kLiteral = "LITERAL";
constexpr std::string_view kOutputMapping = "OUTPUT_MAPPING";
constexpr std::string_view kSuccess = "SUCCESS";
constexpr std::string_view kWarn = "WARN";
constexpr std::string_view kError = "ERROR";

// The error name of a mapping that fails the step under strictMappings (D10). Its code is
// kInvalidArgument: permanent, never retried.
constexpr std::string_view kMappingErrorName = "MappingError";

namespace internal {

// Resolves a pre-parsed source path (or one with dynamic segments) against `scope`.
Result<std::optional<boost::json::value>> resolve_source(const flow::SourcePath& source,
                                                         const json::Scope& scope);

// An event; for WARN and ERROR the message is prefixed with what and where.
MappingEvent make_event(std::string_view kind, std::string_view status, std::string_view target,
                        std::string_view source, std::string why);

// The strict-mode error: `step "<id>": <what> "<target>" <- "<source>": <why>`.
Error strict_error(const flow::Step& step, std::string_view what, std::string_view target,
                   std::string_view source, std::string_view why);

}  // namespace internal

}  // namespace allma::mapping
