// Bad input of any shape gets located issues, never a crash: every member of a valid flow is in
// turn replaced by values of every JSON type (and removed), and each result is loaded.

#include <gtest/gtest.h>

#include "flow_test_support.h"

namespace allma::flow {
namespace {

using boost::json::value;

// Every JSON pointer in `v` (objects and arrays, recursively), the root excluded.
void pointers(const value& v, const std::string& at, std::vector<std::string>& out) {
  if (const boost::json::object* o = v.if_object()) {
    for (const auto& m : *o) {
      std::string p = pointer_append(at, m.key());
      out.push_back(p);
      pointers(m.value(), p, out);
    }
  } else if (const boost::json::array* a = v.if_array()) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      std::string p = pointer_append(at, std::to_string(i));
      out.push_back(p);
      pointers((*a)[i], p, out);
    }
  }
}

::testing::AssertionResult well_formed(const LoadResult& r) {
  if ((r.flow == nullptr) == r.issues.empty()) {
    return ::testing::AssertionFailure() << "flow and issues disagree";
  }
  for (const Issue& i : r.issues) {
    if (i.file != "flow.json" || i.message.empty() || (!i.pointer.empty() && i.pointer[0] != '/')) {
      return ::testing::AssertionFailure() << "malformed issue: " << format_issue(i);
    }
  }
  return ::testing::AssertionSuccess();
}

TEST(FlowRobustness, EveryMemberReplacedByAnyTypeGivesLocatedIssues) {
  const value base = testing::base_flow();
  std::vector<std::string> all;
  pointers(base, "", all);
  const std::vector<value> replacements = {nullptr,
                                           true,
                                           -1,
                                           1.5,
                                           "",
                                           "x",
                                           "$.",
                                           "{{#if x}}",
                                           boost::json::array{1},
                                           boost::json::object{{"k", "v"}}};
  int rejected = 0;
  for (const std::string& p : all) {
    for (const value& replacement : replacements) {
      value flow = base;
      boost::system::error_code ec;
      *flow.find_pointer(p, ec) = replacement;
      LoadResult r = load_flow(flow, "flow.json");
      ASSERT_TRUE(well_formed(r)) << p << " = " << replacement;
      rejected += r.flow == nullptr ? 1 : 0;
    }
  }
  // Most replacements are invalid somewhere; a loader that accepted everything would fail here.
  EXPECT_GT(rejected, static_cast<int>(all.size()));
}

TEST(FlowRobustness, EveryMemberRemovedGivesLocatedIssuesOrAFlow) {
  const value base = testing::base_flow();
  std::vector<std::string> all;
  pointers(base, "", all);
  for (const std::string& p : all) {
    value flow = base;
    std::size_t slash = p.rfind('/');
    boost::system::error_code ec;
    value* parent = slash == 0 ? &flow : flow.find_pointer(p.substr(0, slash), ec);
    ASSERT_NE(parent, nullptr) << p;
    std::string key = p.substr(slash + 1);
    if (parent->is_object()) {
      parent->as_object().erase(key);
    } else {
      parent->as_array().erase(parent->as_array().begin() + std::stoi(key));
    }
    EXPECT_TRUE(well_formed(load_flow(flow, "flow.json"))) << p;
  }
}

TEST(FlowRobustness, RequiredMembersRemovedAreReportedAtTheirPointer) {
  for (const char* p : {"/id", "/startStepInstanceId", "/steps/calc/stepInstanceId",
                        "/steps/calc/stepType", "/steps/calc/lambdaFunctionArnTemplate"}) {
    value flow = testing::base_flow();
    std::string s(p);
    boost::system::error_code ec;
    value* parent = s.rfind('/') == 0 ? &flow : flow.find_pointer(s.substr(0, s.rfind('/')), ec);
    parent->as_object().erase(s.substr(s.rfind('/') + 1));
    LoadResult r = load_flow(flow, "flow.json");
    bool found = false;
    for (const Issue& i : r.issues) found = found || (i.pointer == s && i.message == "required");
    EXPECT_TRUE(found) << p << "\n" << format_issues(r.issues);
  }
}

}  // namespace
}  // namespace allma::flow
