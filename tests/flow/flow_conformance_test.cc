// Conformance cases of area flow-validation (reference §19). The cases use the reference's two
// schemas: "authoring" (what allma loads by default) and "full" (LoadOptions::require_timestamps).
// None contradicts a DESIGN.md decision.

#include <gtest/gtest.h>

#include "conformance_cases.h"
#include "flow/flow_loader.h"

namespace allma::flow {
namespace {

class FlowValidationCase : public ::testing::TestWithParam<boost::json::value> {};

// The parsed flow as the reference's schema would return it: the definition with its
// materialised defaults.
boost::json::object parsed_view(const Flow& flow) {
  boost::json::object view = flow.definition.as_object();
  view["version"] = flow.version;
  view["authoringSource"] = flow.authoring_source;
  return view;
}

TEST_P(FlowValidationCase, MatchesReference) {
  const boost::json::value& c = GetParam();
  const boost::json::value& input = c.at("input");
  const boost::json::value& expected = c.at("expected");
  LoadOptions options;
  options.require_timestamps = input.at("schema") == "full";
  LoadResult r = load_flow(input.at("flow"), "case.json", options);

  bool valid = expected.at("valid").as_bool();
  ASSERT_EQ(r.flow != nullptr, valid) << format_issues(r.issues);
  if (!valid) {
    EXPECT_FALSE(r.issues.empty());
    return;
  }
  boost::json::object view = parsed_view(*r.flow);
  if (const boost::json::value* subset = expected.as_object().if_contains("parsed_subset")) {
    EXPECT_TRUE(testing::json_subset(*subset, view)) << boost::json::serialize(view);
  }
  if (const boost::json::value* absent = expected.as_object().if_contains("parsed_absent")) {
    for (const boost::json::value& key : absent->as_array()) {
      EXPECT_FALSE(view.contains(key.as_string())) << key;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Conformance, FlowValidationCase,
                         ::testing::ValuesIn(testing::conformance_cases({"flow-validation"})),
                         [](const auto& info) { return testing::case_name(info.param); });

TEST(FlowValidationCases, AreAllPresent) {
  EXPECT_EQ(testing::conformance_cases({"flow-validation"}).size(), 9u);
}

}  // namespace
}  // namespace allma::flow
