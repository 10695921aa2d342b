#include "mapping/output_mapping.h"

#include "json/jsonpath.h"
#include "json/target_path.h"

namespace allma::mapping {

namespace {

MappingEvent out_event(std::string_view status, const flow::OutputMapping& m, std::string message) {
  return internal::make_event(kOutputMapping, status, m.target.text(), m.source.text,
                              std::move(message));
}

// Resolves one mapping's source: the output, else the step input (the `_step_input` fallback).
// Returns the error or absent (with `why` set) when nothing matched.
Result<std::optional<boost::json::value>> resolve_output_source(
    const flow::OutputMapping& m, const boost::json::value& output,
    const boost::json::value& step_input, bool& from_input) {
  from_input = false;
  if (m.source.is_whole()) return std::optional<boost::json::value>(output);
  Result<std::optional<boost::json::value>> r =
      internal::resolve_source(m.source, json::Scope(output));
  if (!r.ok() || r->has_value()) return r;
  Result<std::optional<boost::json::value>> fallback =
      internal::resolve_source(m.source, json::Scope(step_input));
  if (fallback.ok() && fallback->has_value()) {
    from_input = true;
    return fallback;
  }
  return r;
}

// Writes `v` at `target` into `root` (the context, held as a value for TargetPath; a "$"
// target merges an object into it and refuses anything else, so it stays an object).
Status write_one(const json::TargetPath& target, boost::json::value& root, boost::json::value v) {
  return target.write(root, std::move(v));
}

}  // namespace

Result<std::vector<Write>> apply_output(const flow::Step& step, const boost::json::value& output,
                                        const boost::json::value& step_input,
                                        boost::json::object& context,
                                        std::vector<MappingEvent>& events) {
  const std::vector<flow::OutputMapping>& mappings = step.effective_output_mappings();
  // Phase 1: resolve every source (sources never read the context, so nothing is written yet).
  std::vector<std::optional<boost::json::value>> values(mappings.size());
  std::vector<MappingEvent> outcome;
  outcome.reserve(mappings.size());
  for (std::size_t i = 0; i < mappings.size(); ++i) {
    const flow::OutputMapping& m = mappings[i];
    bool from_input = false;
    Result<std::optional<boost::json::value>> r =
        resolve_output_source(m, output, step_input, from_input);
    if (!r.ok() || !r->has_value()) {
      bool failed = !r.ok();
      std::string why = failed ? r.error().message : "source matched nothing in the output";
      if (step.strict_mappings) {
        return internal::strict_error(step, "output mapping", m.target.text(), m.source.text, why);
      }
      outcome.push_back(out_event(failed ? kError : kWarn, m, std::move(why)));
      continue;
    }
    outcome.push_back(out_event(kSuccess, m, from_input ? "taken from the step input" : ""));
    values[i] = std::move(r).value();
  }

  // Phase 2: write, in order.
  std::vector<Write> writes;
  writes.reserve(mappings.size());
  boost::json::value root(std::move(context));
  for (std::size_t i = 0; i < mappings.size(); ++i) {
    if (!values[i]) continue;
    boost::json::value copy = *values[i];
    if (Status s = write_one(mappings[i].target, root, std::move(*values[i])); !s.ok()) {
      outcome[i] = out_event(kError, mappings[i], s.error().message);
      continue;
    }
    writes.push_back(Write{mappings[i].target.text(), std::move(copy)});
  }
  context = std::move(root.as_object());
  for (MappingEvent& e : outcome) events.push_back(std::move(e));
  return writes;
}

Status apply_writes(const std::vector<Write>& writes, boost::json::object& context) {
  std::vector<json::TargetPath> targets;
  targets.reserve(writes.size());
  for (const Write& w : writes) {
    Result<json::TargetPath> t = json::TargetPath::parse(w.target);
    if (!t.ok()) return t.error().in("journalled write \"" + w.target + "\"");
    targets.push_back(std::move(t).value());
  }
  boost::json::value root(std::move(context));
  for (std::size_t i = 0; i < writes.size(); ++i) {
    (void)write_one(targets[i], root, writes[i].value);  // skipped as apply_output skipped it
  }
  context = std::move(root.as_object());
  return ok_status();
}

}  // namespace allma::mapping
