#pragma once

#include <boost/json.hpp>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace allma::testing {

// The cases of `../shared/conformance/allma-unit-cases.jsonl` (reference §19) whose area is
// one of `areas`; ALLMA_CONFORMANCE_CASES overrides the file's path.
inline std::vector<boost::json::value> conformance_cases(const std::vector<std::string>& areas) {
  const char* env = std::getenv("ALLMA_CONFORMANCE_CASES");
  std::ifstream in(env != nullptr ? env : ALLMA_CONFORMANCE_FILE);
  std::vector<boost::json::value> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    boost::json::value c = boost::json::parse(line);
    std::string area(c.at("area").as_string());
    for (const std::string& a : areas) {
      if (a == area) cases.push_back(c);
    }
  }
  return cases;
}

// A gtest-safe name for a case id ("dm-in-001" -> "dm_in_001").
inline std::string case_name(const boost::json::value& c) {
  std::string name(c.at("id").as_string());
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

// True when every member of `subset` is in `whole` with a value that is itself a recursive
// subset (objects) or equal (everything else).
inline bool json_subset(const boost::json::value& subset, const boost::json::value& whole) {
  if (!subset.is_object()) return subset == whole;
  if (!whole.is_object()) return false;
  for (const auto& m : subset.get_object()) {
    const boost::json::value* w = whole.get_object().if_contains(m.key());
    if (w == nullptr || !json_subset(m.value(), *w)) return false;
  }
  return true;
}

}  // namespace allma::testing
