#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "flow/flow_loader.h"
#include "flow/flow_validator.h"
#include "mapping/mapping_event.h"

namespace allma::mapping::testing {

// A step built by the real validator from `json` (a step object with a stepInstanceId).
inline flow::Step make_step(const boost::json::value& json, bool flow_strict = false) {
  std::vector<flow::Issue> issues;
  std::string key(json.at("stepInstanceId").as_string());
  std::optional<flow::Step> step = flow::build_step(key, json, flow_strict, "test", issues);
  EXPECT_TRUE(step.has_value()) << flow::format_issues(issues);
  return step ? std::move(*step) : flow::Step{};
}

inline flow::Step make_step(const char* json_text, bool flow_strict = false) {
  return make_step(boost::json::parse(json_text), flow_strict);
}

inline boost::json::object obj(std::string_view json_text) {
  return boost::json::parse(json_text).as_object();
}

// The compact JSON text, keeping member order (for order-sensitive comparisons).
inline std::string text(const boost::json::value& v) { return boost::json::serialize(v); }

inline bool has_event(const std::vector<MappingEvent>& events, std::string_view kind,
                      std::string_view status, std::string_view target) {
  for (const MappingEvent& e : events) {
    if (e.kind == kind && e.status == status && e.target == target) return true;
  }
  return false;
}

}  // namespace allma::mapping::testing
