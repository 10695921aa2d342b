#include "flow/flow_loader.h"

#include "flow/flow_validator.h"
#include "json/parse.h"

namespace allma::flow {

LoadResult load_flow(const boost::json::value& json, std::string source_name,
                     const LoadOptions& options) {
  LoadResult result;
  std::optional<Flow> flow =
      build_flow(json, source_name, options.require_timestamps, result.issues);
  if (flow && result.issues.empty()) {
    result.flow = std::make_shared<const Flow>(std::move(*flow));
  }
  return result;
}

LoadResult load_flow_file(const std::string& path, const LoadOptions& options) {
  Result<boost::json::value> json = json::parse_file(path);
  if (!json.ok()) {
    // parse_file's messages already start with "<path>: ".
    std::string message = json.error().message;
    std::string prefix = path + ": ";
    if (message.compare(0, prefix.size(), prefix) == 0) message.erase(0, prefix.size());
    LoadResult result;
    result.issues.push_back(Issue{path, "", "", std::move(message)});
    return result;
  }
  return load_flow(*json, path, options);
}

std::string format_issues(const std::vector<Issue>& issues) {
  std::string out;
  for (const Issue& issue : issues) {
    out += format_issue(issue);
    out += '\n';
  }
  return out;
}

}  // namespace allma::flow
