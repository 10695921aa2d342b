// engine::choose_next (reference §10.1, §10.3): where the flow goes after a step, and the
// transition limit that guards against endless loops.

#include "engine/transitions.h"

#include <gtest/gtest.h>

#include "engine_harness.h"

namespace allma::engine {
namespace {

namespace json = boost::json;
using Counts = std::unordered_map<std::string, int>;

// Step "s" with the given members, loaded through the real flow loader.
testing::LoadedStep step_with(const char* members) {
  json::object step = json::parse(members).as_object();
  step["stepInstanceId"] = "s";
  step["stepType"] = "NO_OP";
  return testing::load_step(step);
}

constexpr const char* kTwoConditions = R"({
  "transitions": [{"condition": "$.score > 90", "nextStepInstanceId": "high"},
                  {"condition": "$.score > 50", "nextStepInstanceId": "mid"}],
  "defaultNextStepInstanceId": "low"})";

Result<NextStep> choose(const testing::LoadedStep& s, const char* context, Counts& counts,
                        const json::object& runtime = {}) {
  return choose_next(*s.step, json::parse(context).as_object(), runtime, counts);
}

TEST(Transitions, FirstTrueConditionWins) {
  auto s = step_with(kTwoConditions);
  Counts counts;
  Result<NextStep> next = choose(s, R"({"score": 95})", counts);
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->step_id, "high");
}

TEST(Transitions, LaterConditionIsTakenWhenEarlierOnesAreFalse) {
  auto s = step_with(kTwoConditions);
  Counts counts;
  Result<NextStep> next = choose(s, R"({"score": 75})", counts);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->step_id, "mid");
}

TEST(Transitions, DefaultIsTakenWhenNoConditionHolds) {
  auto s = step_with(kTwoConditions);
  Counts counts;
  Result<NextStep> next = choose(s, R"({"score": 10})", counts);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->step_id, "low");
}

TEST(Transitions, PathEndsWithoutTransitionsOrDefault) {
  auto s = step_with("{}");
  Counts counts;
  Result<NextStep> next = choose(s, "{}", counts);
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE(next->step_id.empty());
}

TEST(Transitions, EndOfPathIsNotCounted) {
  auto s = step_with("{}");
  Counts counts;
  Result<NextStep> next = choose(s, "{}", counts);
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE(next->counter_key.empty());
  EXPECT_TRUE(counts.empty());
}

TEST(Transitions, DefaultIsCountedUnderStepDefaultKey) {
  auto s = step_with(kTwoConditions);
  Counts counts;
  Result<NextStep> next = choose(s, R"({"score": 10})", counts);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->counter_key, "s_default");
  EXPECT_EQ(counts, (Counts{{"s_default", 1}}));
}

TEST(Transitions, ConditionIsCountedUnderItsIndex) {
  auto s = step_with(kTwoConditions);
  Counts counts;
  Result<NextStep> next = choose(s, R"({"score": 75})", counts);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->counter_key, "s_transition_1");
  EXPECT_EQ(counts, (Counts{{"s_transition_1", 1}}));
}

TEST(Transitions, DefaultLimitIsFivePerTransition) {
  auto s = step_with(R"({"defaultNextStepInstanceId": "next"})");
  Counts counts;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(choose(s, "{}", counts).ok()) << "transition " << i;
  Result<NextStep> sixth = choose(s, "{}", counts);
  ASSERT_FALSE(sixth.ok());
  EXPECT_EQ(sixth.error().name, "PermanentStepError");
}

TEST(Transitions, LimitReachedNamesTheLimitAndStep) {
  auto s = step_with(R"({"defaultNextStepInstanceId": "next", "defaultNextMaxTransitions": 2})");
  Counts counts{{"s_default", 2}};
  Result<NextStep> next = choose(s, "{}", counts);
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().message,
            "Infinite loop prevented: Transition limit of 2 reached for step 's'.");
}

TEST(Transitions, RefusedTransitionIsNotCounted) {
  auto s = step_with(R"({"defaultNextStepInstanceId": "next", "defaultNextMaxTransitions": 2})");
  Counts counts{{"s_default", 2}};
  ASSERT_FALSE(choose(s, "{}", counts).ok());
  EXPECT_EQ(counts, (Counts{{"s_default", 2}}));
}

TEST(Transitions, ConditionLimitIsItsMaxTransitions) {
  auto s = step_with(R"({"transitions": [{"condition": "$.go", "nextStepInstanceId": "again",
                                           "maxTransitions": 1}]})");
  Counts counts;
  ASSERT_TRUE(choose(s, R"({"go": true})", counts).ok());
  Result<NextStep> second = choose(s, R"({"go": true})", counts);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().name, "PermanentStepError");
}

TEST(Transitions, ZeroLimitIsUnlimitedAndUncounted) {
  auto s = step_with(R"({"defaultNextStepInstanceId": "next", "defaultNextMaxTransitions": 0})");
  Counts counts{{"s_default", 999}};
  Result<NextStep> next = choose(s, "{}", counts);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->step_id, "next");
  EXPECT_TRUE(next->counter_key.empty());
  EXPECT_EQ(counts, (Counts{{"s_default", 999}}));
}

TEST(Transitions, ConditionsSeeRuntimeFields) {
  auto s = step_with(R"({"transitions": [{"condition": "$.status == \"RUNNING\"",
                                           "nextStepInstanceId": "go"}]})");
  Counts counts;
  Result<NextStep> next = choose(s, "{}", counts, json::object{{"status", "RUNNING"}});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->step_id, "go");
}

TEST(Transitions, ContextWinsOverRuntimeFieldOfTheSameName) {
  auto s = step_with(R"({"transitions": [{"condition": "$.status == \"mine\"",
                                           "nextStepInstanceId": "go"}]})");
  Counts counts;
  Result<NextStep> next =
      choose(s, R"({"status": "mine"})", counts, json::object{{"status", "RUNNING"}});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->step_id, "go");
}

}  // namespace
}  // namespace allma::engine
