// Parts of build_step(): onError, delay, outputValidation and the S3 offload flags.

#include "flow/step_parts.h"

#include "flow/flow_validator.h"
#include "flow/paths.h"

namespace allma::flow::internal {

namespace {

using Obj = boost::json::object;

std::optional<RetryPolicy> parse_retries(Checker& c, const Obj& r, const std::string& at) {
  RetryPolicy p;
  std::size_t before = c.issue_count();
  p.count = static_cast<int>(c.integer(r, "count", at, 0).value_or(p.count));
  p.interval_seconds = c.number(r, "intervalSeconds", at, 0, false,
                                "a number of seconds from 0 to 86400", kMaxSeconds)
                           .value_or(p.interval_seconds);
  p.backoff_rate =
      c.number(r, "backoffRate", at, 1, false, "a number >= 1").value_or(p.backoff_rate);
  p.max_delay_seconds = c.number(r, "maxDelaySeconds", at, 0, false,
                                 "a number of seconds from 0 to 86400", kMaxSeconds)
                            .value_or(p.max_delay_seconds);
  if (const boost::json::array* eq = c.array(r, "errorEquals", at)) {
    std::string base = pointer_append(at, "errorEquals");
    for (std::size_t i = 0; i < eq->size(); ++i) {
      const boost::json::value& name = (*eq)[i];
      if (!name.is_string() || name.get_string().empty()) {
        c.error(pointer_append(base, std::to_string(i)), "must be a non-empty string");
        continue;
      }
      p.error_equals.emplace_back(name.get_string());
    }
  }
  if (auto jitter = c.string(r, "jitter", at, false, false)) {
    if (*jitter == "FULL" || *jitter == "NONE") {
      p.full_jitter = *jitter == "FULL";
    } else {
      c.error(pointer_append(at, "jitter"), "must be FULL or NONE, not \"" + *jitter + "\"");
    }
  }
  if (c.issue_count() != before) return std::nullopt;
  return p;
}

}  // namespace

void parse_on_error(Checker& c, const Obj& o, const std::string& ptr, Step& step) {
  const Obj* e = c.object(o, "onError", ptr);
  if (e == nullptr) return;
  step.has_on_error = true;
  std::string at = pointer_append(ptr, "onError");
  if (const Obj* r = c.object(*e, "retries", at)) {
    step.on_error.retries = parse_retries(c, *r, pointer_append(at, "retries"));
  }
  if (const Obj* r = c.object(*e, "retryOnContentError", at)) {
    step.on_error.content_retry_count = static_cast<int>(
        c.integer(*r, "count", pointer_append(at, "retryOnContentError"), 0).value_or(1));
  }
  step.on_error.fallback_step_id =
      c.string(*e, "fallbackStepInstanceId", at, false, true).value_or("");
  step.on_error.continue_on_failure = c.boolean(*e, "continueOnFailure", at, false);
}

void parse_delay(Checker& c, const Obj& o, const std::string& ptr, Step& step) {
  const Obj* d = c.object(o, "delay", ptr);
  if (d == nullptr) return;
  std::string at = pointer_append(ptr, "delay");
  std::size_t before = c.issue_count();
  Delay delay;
  auto fixed = c.integer(*d, "milliseconds", at, 1);
  auto from = c.integer(*d, "delayFrom", at, 1);
  auto to = c.integer(*d, "delayTo", at, 1);
  if (auto position = c.string(*d, "position", at, false, false)) {
    if (*position == "before" || *position == "after") {
      delay.before = *position == "before";
    } else {
      c.error(pointer_append(at, "position"),
              "must be \"before\" or \"after\", not \"" + *position + "\"");
    }
  }
  if (c.issue_count() != before) return;
  bool has_range = d->contains("delayFrom") || d->contains("delayTo");
  if (d->contains("milliseconds") == has_range) {
    c.error(at, "needs exactly one of milliseconds or the pair delayFrom/delayTo");
    return;
  }
  if (fixed) {
    delay.fixed = std::chrono::milliseconds(*fixed);
  } else if (!from || !to) {
    c.error(at, "delayFrom and delayTo must be given together");
    return;
  } else if (*from > *to) {
    c.error(at, "delayFrom must not exceed delayTo");
    return;
  } else {
    delay.from = std::chrono::milliseconds(*from);
    delay.to = std::chrono::milliseconds(*to);
  }
  step.delay = delay;
}

void parse_output_validation(Checker& c, const Obj& o, const std::string& ptr, Step& step) {
  step.force_s3_offload = c.boolean(o, "forceS3Offload", ptr, false);
  step.disable_s3_offload = c.boolean(o, "disableS3Offload", ptr, false);
  if (step.force_s3_offload && step.disable_s3_offload) {
    c.error(ptr, "forceS3Offload and disableS3Offload cannot both be true");
  }
  const Obj* v = c.object(o, "outputValidation", ptr);
  if (v == nullptr) return;
  std::string at = pointer_append(ptr, "outputValidation");
  const boost::json::array* fields = c.array(*v, "requiredFields", at);
  if (fields == nullptr) return;
  std::string base = pointer_append(at, "requiredFields");
  for (std::size_t i = 0; i < fields->size(); ++i) {
    if (auto source = parse_source(c, (*fields)[i], pointer_append(base, std::to_string(i)))) {
      step.required_fields.push_back(source->text);
      step.required_field_paths.push_back(std::move(*source));
    }
  }
}

}  // namespace allma::flow::internal
