#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <string>
#include <vector>

#include "flow/flow.h"

namespace allma::flow {

struct LoadOptions {
  // The stored ("full") format of the reference requires createdAt and updatedAt; the authoring
  // format, which is what users write and what allma runs, does not (conformance fval-006).
  bool require_timestamps = false;
};

// `flow` is null iff `issues` is not empty: a flow with any problem never runs.
struct LoadResult {
  std::shared_ptr<const Flow> flow;
  std::vector<Issue> issues;
};

// Reads, parses (json::parse_file, with its size and depth limits) and validates the flow file
// at `path`. A file that cannot be read or parsed gives one issue with pointer "" whose message
// carries the parser's line and column. Never throws. Thread-safe.
LoadResult load_flow_file(const std::string& path, const LoadOptions& options = {});

// Validates `json` and builds the model, collecting every problem (flow_validator.h lists the
// rules). `source_name` is used as Issue::file and Flow::source_name.
LoadResult load_flow(const boost::json::value& json, std::string source_name,
                     const LoadOptions& options = {});

// All issues, one format_issue() line each, each ending in '\n'.
std::string format_issues(const std::vector<Issue>& issues);

}  // namespace allma::flow
