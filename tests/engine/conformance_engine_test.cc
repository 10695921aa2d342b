// The engine cases of ../shared/conformance/allma-unit-cases.jsonl (reference §19; issue 2
// item 14): areas flow-loop, cli-handler, initialize, error-handling, transition-limits,
// transition-resolve, noop, terminal-error and step-execution. Every case is run against the
// real engine (engine_case_runners.h says how each area maps onto it), or is listed below as
// not applicable, as contradicting a DESIGN.md decision (with what allma does instead, which is
// asserted), or as showing an engine bug.

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <string_view>

#include "engine/lambda_step.h"
#include "engine_case_runners.h"
#include "flow/conformance_cases.h"

namespace allma::engine::testing {
namespace {

namespace json = boost::json;
using allma::testing::SimulatedInvoker;

const std::vector<std::string> kAreas = {
    "flow-loop",          "cli-handler", "initialize",     "error-handling", "transition-limits",
    "transition-resolve", "noop",        "terminal-error", "step-execution"};

struct NotApplicable {
  std::string_view id;
  std::string_view reason;
};

constexpr NotApplicable kNotApplicable[] = {
    {"cli-002",
     "moduleIdentifier on a CUSTOM_LAMBDA_INVOKE step: the schema forbids it "
     "(reference §2.2), so allma's loader rejects the step"},
    {"cli-007",
     "handler-level re-validation: allma validates the step when the flow loads, so a "
     "step without lambdaFunctionArnTemplate never reaches prepare_invoke "
     "(CliHandlerCase.StepWithoutArnTemplateIsRejectedAtLoad)"},
    {"cli-008", "execution traces bucket: allma keeps traces in its execution store, no S3"},
    {"init-002", "executionOverrides.startStepInstanceId: allma has no execution overrides"},
    {"init-003",
     "execution-log metadata record and _internal.loggingBootstrapped: allma "
     "always records executions in its store and has no such runtime state"},
    {"init-004",
     "executionOverrides.startFromState: allma continues stored executions with "
     "Executor::resume instead"},
    {"init-005", "S3 context pointers: allma does not offload to S3"},
    {"init-006",
     "StartFlowExecutionInput.flowDefinitionId: Executor::start takes the loaded "
     "flow itself, so there is no id to omit"},
    {"limit-007",
     "the '<stepId>_to_<next>' key counts a condition that is not one of the step's "
     "transitions; choose_next picks the transition itself, so that cannot arise"},
    {"loop-007", "WAIT_FOR_EXTERNAL_EVENT: allma runs no such step type"},
    {"loop-008", "POLL_EXTERNAL_API: allma runs no such step type"},
    {"loop-009", "resume payload of WAIT_FOR_EXTERNAL_EVENT: allma runs no such step type"},
    {"loop-010",
     "a current step missing from the definition: allma's loader checks every step "
     "reference (reference §2.1), so an execution cannot point at one"},
    {"loop-011",
     "flow definition load failure: allma loads and validates the flow before an "
     "execution exists; a load failure is reported by the loader, no execution "
     "starts"},
};

// ---- Deviations: each asserts what allma does instead ----------------------------------------

struct RunOfCase {
  SimulatedInvoker invoker;
  RunOutcome run;
};

std::unique_ptr<RunOfCase> run_case(const json::object& c) {
  auto out = std::make_unique<RunOfCase>();
  ExecutorCase ec = prepare_executor_case(c, out->invoker);
  out->run = run_flow(load_or_fail(ec.flow), ec.trigger, ec.execution_id, out->invoker);
  return out;
}

const json::object& last_state(const RunOutcome& run) {
  static const json::object kNone;
  EXPECT_FALSE(run.states.empty());
  return run.states.empty() ? kNone : run.states.back();
}

// D9: the content error re-runs the step at once `count` more times, then fails it.
void content_retries_rerun_the_step(const json::object& c) {
  auto r = run_case(c);
  EXPECT_EQ(r->invoker.calls_of(std::string(kHandlerFunction)), 1 + 3);
  const json::object& s = last_state(r->run);
  EXPECT_EQ(s.at("status"), "FAILED");
  EXPECT_EQ(s.at("errorInfo").at("errorName"), "ContentError");
}

// D11: a failed outputValidation is allma's ContentError, and without a budget it is final.
void required_field_is_a_content_error(const json::object& c) {
  auto r = run_case(c);
  EXPECT_EQ(r->invoker.calls_of(std::string(kHandlerFunction)), 1);
  const json::object& s = last_state(r->run);
  EXPECT_EQ(s.at("status"), "FAILED");
  EXPECT_EQ(s.at("errorInfo").at("errorName"), "ContentError");
  EXPECT_NE(std::string(s.at("errorInfo").at("errorMessage").as_string())
                .find("Path '$.result.id' was missing"),
            std::string::npos);
}

// D8: continueOnFailure stores {} as the output, the error at $.lastError, and goes on to the
// default next step.
void continue_on_failure_keeps_last_error(const json::object& c) {
  auto r = run_case(c);
  ASSERT_FALSE(r->run.states.empty());
  const json::object& s = r->run.states.front();
  EXPECT_EQ(s.at("currentStepInstanceId"), "step-2");
  const json::object& context = s.at("context").as_object();
  EXPECT_EQ(context.at("steps_output").at("step-1"), json::object());
  json::value want = json::parse(
      R"({"stepInstanceId":"step-1","errorName":"Error","errorMessage":"boom","attempts":1})");
  EXPECT_TRUE(allma::testing::json_subset(want, context.at("lastError")))
      << json::serialize(context);
}

struct Deviation {
  std::string_view id;
  std::string_view decision;
  std::string_view allma_does;
  void (*check)(const json::object& c);
};

const Deviation kDeviations[] = {
    {"exec-005", "D9",
     "retryOnContentError.count re-runs the step at once that many times (no "
     "RetryableStepError, no orchestrator retry); when the content error persists the step "
     "fails with ContentError",
     content_retries_rerun_the_step},
    {"exec-006", "D11",
     "a failed outputValidation.requiredFields check is named ContentError, not "
     "ContentBasedRetryableError",
     required_field_is_a_content_error},
    {"exec-008", "D8",
     "continueOnFailure stores {} as the step output (not the error object), writes the error "
     "to $.lastError and goes to defaultNextStepInstanceId",
     continue_on_failure_keeps_last_error},
};

template <typename T, std::size_t N>
const T* find_entry(const T (&table)[N], std::string_view id) {
  for (const T& entry : table) {
    if (entry.id == id) return &entry;
  }
  return nullptr;
}

std::string case_id(const json::value& c) { return std::string(c.at("id").as_string()); }

// ---- The cases -------------------------------------------------------------------------------

class EngineCase : public ::testing::TestWithParam<json::value> {};

TEST_P(EngineCase, BehavesAsReferenceOrAsDesignDecides) {
  const json::object& c = GetParam().as_object();
  std::string id = case_id(GetParam());
  if (const NotApplicable* na = find_entry(kNotApplicable, id)) {
    GTEST_SKIP() << "not applicable: " << na->reason;
  }
  if (const Deviation* d = find_entry(kDeviations, id)) {
    SCOPED_TRACE(std::string(d->decision) + ": " + std::string(d->allma_does));
    d->check(c);
    return;
  }
  std::string area(c.at("area").as_string());
  if (area == "cli-handler") {
    run_cli_case(c);
  } else if (area == "transition-resolve") {
    run_transition_resolve_case(c);
  } else if (area == "transition-limits") {
    run_transition_limit_case(c);
  } else if (area == "initialize") {
    run_initialize_case(c);
  } else {
    run_executor_case(c);
  }
}

INSTANTIATE_TEST_SUITE_P(Conformance, EngineCase,
                         ::testing::ValuesIn(allma::testing::conformance_cases(kAreas)),
                         [](const auto& info) { return allma::testing::case_name(info.param); });

TEST(EngineCases, EveryCaseIsRunDeviatingOrNotApplicable) {
  std::vector<json::value> cases = allma::testing::conformance_cases(kAreas);
  EXPECT_EQ(cases.size(), 48u) << "the case file changed: review the tables";
  std::set<std::string> ids;
  for (const json::value& c : cases) {
    std::string id = case_id(c);
    EXPECT_TRUE(ids.insert(id).second) << "duplicate case id " << id;
    int listed = (find_entry(kNotApplicable, id) ? 1 : 0) + (find_entry(kDeviations, id) ? 1 : 0);
    EXPECT_LE(listed, 1) << id << " is in more than one table";
  }
  for (const NotApplicable& e : kNotApplicable) EXPECT_TRUE(ids.count(std::string(e.id))) << e.id;
  for (const Deviation& e : kDeviations) EXPECT_TRUE(ids.count(std::string(e.id))) << e.id;
}

TEST(EngineCases, DeviationsNameADesignDecision) {
  for (const Deviation& d : kDeviations) {
    EXPECT_EQ(d.decision.front(), 'D') << d.id;
    EXPECT_FALSE(d.allma_does.empty()) << d.id;
  }
}

// ---- What the not-applicable CLI cases become in allma ---------------------------------------

json::object cli_case(std::string_view id) {
  for (const json::value& c : allma::testing::conformance_cases({"cli-handler"})) {
    if (c.at("id").as_string() == id) return c.as_object();
  }
  ADD_FAILURE() << "no case " << id;
  return {};
}

TEST(CliHandlerCase, ThreeDigitAccountIdIsATemplateError) {
  LoadedStep loaded = load_cli_step(cli_case("cli-001"), false);
  ASSERT_NE(loaded.step, nullptr);
  json::object context{{"fn", "my-func"}};
  Result<PreparedInvoke> prepared = prepare_invoke(*loaded.step, context, json::object(),
                                                   kFixtureExecutionId, nullptr, "us-east-1");
  ASSERT_FALSE(prepared.ok());
  EXPECT_EQ(prepared.error().name, "TemplateError");
  EXPECT_NE(prepared.error().message.find("12 digits"), std::string::npos)
      << prepared.error().message;
}

TEST(CliHandlerCase, ModuleIdentifierIsRejectedAtLoad) {
  json::object step = cli_case("cli-002").at("input").at("step").as_object();
  flow::LoadResult r =
      flow::load_flow(flow_json("f", "lambda-step", json::object{{"lambda-step", step}}), "f");
  ASSERT_EQ(r.flow, nullptr);
  EXPECT_NE(flow::format_issues(r.issues).find("moduleIdentifier"), std::string::npos)
      << flow::format_issues(r.issues);
}

TEST(CliHandlerCase, StepWithoutArnTemplateIsRejectedAtLoad) {
  json::object step = cli_case("cli-007").at("input").at("step").as_object();
  step["stepInstanceId"] = "s";
  flow::LoadResult r = flow::load_flow(flow_json("f", "s", json::object{{"s", step}}), "f");
  ASSERT_EQ(r.flow, nullptr);
  EXPECT_NE(flow::format_issues(r.issues).find("lambdaFunctionArnTemplate"), std::string::npos)
      << flow::format_issues(r.issues);
}

}  // namespace
}  // namespace allma::engine::testing
