#include "json/target_path.h"

#include "json/jsonpath.h"
#include "json/jsonpath_filter.h"

namespace allma::json {
namespace {

constexpr std::int64_t kMaxIndex = 1000000;

struct WriteStep {
  std::string_view name;
  std::int64_t index;
};

Error target_error(std::string_view path, std::string message) {
  return make_error(ErrorCode::kInvalidArgument,
                    "cannot write '" + std::string(path) + "': " + std::move(message),
                    "InvalidTarget");
}

std::string_view kind_name(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::string: return "a string";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return "an object";
    case boost::json::kind::null: return "null";
    default: return "a number";
  }
}

// The first `n` steps as a dot path.
std::string join(const std::vector<WriteStep>& steps, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out.push_back('.');
    out.append(steps[i].name);
  }
  return out;
}

// Checks that every step can be written (so a failed write leaves `root` unchanged), then
// writes, creating containers on the way.
Status write_steps(boost::json::value& root, const std::vector<WriteStep>& steps,
                   boost::json::value v, std::string_view path) {
  const boost::json::value* probe = &root;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (probe != nullptr && !probe->is_null()) {
      // Named only on the error path: building it for every step made long paths quadratic.
      auto where = [&] { return i == 0 ? std::string("the root") : "'" + join(steps, i) + "'"; };
      if (probe->is_array() && steps[i].index < 0) {
        return target_error(path, where() + " is an array, and '" + std::string(steps[i].name) +
                                      "' is not an index");
      }
      if (!probe->is_array() && !probe->is_object()) {
        return target_error(path, where() + " is " + std::string(kind_name(*probe)));
      }
    }
    if (steps[i].index > kMaxIndex) return target_error(path, "index over 1000000");
    if (probe == nullptr || probe->is_null()) {
      probe = nullptr;
    } else if (probe->is_array()) {
      const auto& arr = probe->get_array();
      const auto at = static_cast<std::size_t>(steps[i].index);
      probe = at < arr.size() ? &arr[at] : nullptr;
    } else {
      probe = probe->get_object().if_contains(steps[i].name);
    }
  }
  boost::json::value* cur = &root;
  if (cur->is_null()) cur->emplace_object();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const bool last = i + 1 == steps.size();
    boost::json::value* slot;
    if (cur->is_array()) {
      auto& arr = cur->get_array();
      const auto at = static_cast<std::size_t>(steps[i].index);
      if (arr.size() <= at) arr.resize(at + 1);
      slot = &arr[at];
    } else {
      slot = &cur->get_object()[steps[i].name];
    }
    if (last) {
      *slot = std::move(v);
    } else if (slot->is_null()) {
      if (steps[i + 1].index >= 0) slot->emplace_array();
      else slot->emplace_object();
    }
    cur = slot;
  }
  return ok_status();
}

}  // namespace

Status set_dot(boost::json::value& root, std::string_view dot_path, boost::json::value v) {
  // "[n]" with digits only becomes ".n"; then split on dots.
  std::string normalized;
  for (std::size_t i = 0; i < dot_path.size(); ++i) {
    if (dot_path[i] == '[') {
      std::size_t j = i + 1;
      while (j < dot_path.size() && dot_path[j] >= '0' && dot_path[j] <= '9') ++j;
      if (j > i + 1 && j < dot_path.size() && dot_path[j] == ']') {
        normalized += ".";
        normalized.append(dot_path.substr(i + 1, j - i - 1));
        i = j;
        continue;
      }
    }
    normalized.push_back(dot_path[i]);
  }
  std::vector<WriteStep> steps;
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= normalized.size(); ++i) {
    if (i < normalized.size() && normalized[i] != '.') continue;
    const std::string_view name = std::string_view(normalized).substr(begin, i - begin);
    if (name.empty()) return target_error(dot_path, "empty segment");
    steps.push_back({name, canonical_index(name)});
    begin = i + 1;
  }
  return write_steps(root, steps, std::move(v), dot_path);
}

Result<TargetPath> TargetPath::parse(std::string_view text) {
  Result<JsonPath> path = JsonPath::parse(text);
  if (!path.ok()) return std::move(path).error();
  TargetPath target;
  target.text_ = std::string(text);
  for (const JsonPath::Segment& seg : path->segments()) {
    if (seg.kind != JsonPath::Kind::kName || seg.selector.negative) {
      return make_error(ErrorCode::kInvalidArgument,
                        "invalid path '" + target.text_ +
                            "': a target path has only member names and indices",
                        "InvalidPath");
    }
    target.steps_.push_back({seg.selector.name, seg.selector.index});
  }
  return target;
}

Status TargetPath::write(boost::json::value& root, boost::json::value v) const {
  if (steps_.empty()) {
    if (!v.is_object()) {
      return target_error(text_, "the whole root takes an object, not " +
                                     std::string(kind_name(v)));
    }
    if (root.is_null()) root.emplace_object();
    if (!root.is_object()) {
      return target_error(text_, "the root is " + std::string(kind_name(root)));
    }
    for (auto& member : v.get_object()) root.get_object()[member.key()] = std::move(member.value());
    return ok_status();
  }
  std::vector<WriteStep> steps;
  steps.reserve(steps_.size());
  for (const auto& s : steps_) steps.push_back({s.name, s.index});
  return write_steps(root, steps, std::move(v), text_);
}

}  // namespace allma::json
