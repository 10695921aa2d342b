#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "flow/flow.h"
#include "mapping/mapping_event.h"

namespace allma::mapping {

// One value written into the context by an output mapping: `target` is the TargetPath text.
struct Write {
  std::string target;
  boost::json::value value;
};

// Applies the step's effective output mappings (reference §9.5–9.7 with DESIGN.md D2, D7, D10)
// to `context`, in insertion order:
// - no `outputMappings` → {"$.steps_output.<stepInstanceId>": "$"}; `{}` writes nothing;
// - source `$`/`$.` is the whole output, of any JSON type (D5);
// - otherwise the source is resolved on the output; when it matches nothing there but matches
//   in `step_input`, the step input's value is taken (the reference's `_step_input` fallback);
// - a source matching nothing (or failing to resolve) leaves the target untouched and records
//   a WARN (ERROR) event; under `step.strict_mappings` the call fails with kInvalidArgument,
//   name "MappingError", and the context is left unchanged (every source is resolved before any
//   write);
// - targets are written with json::TargetPath (D7: `[n]` creates arrays), replacing what was
//   there; later mappings see earlier writes; a target that cannot be written (below a string)
//   records an ERROR event and is skipped.
// Returns the writes applied, in order, for the engine's journal; apply_writes() replays them.
// Copies only the mapped values, never the whole context.
Result<std::vector<Write>> apply_output(const flow::Step& step, const boost::json::value& output,
                                        const boost::json::value& step_input,
                                        boost::json::object& context,
                                        std::vector<MappingEvent>& events);

// Replays journalled writes: the same context as apply_output() produced from the same start.
// Fails (kInvalidArgument) on a target that does not parse; a target that cannot be written is
// skipped, as apply_output() did.
Status apply_writes(const std::vector<Write>& writes, boost::json::object& context);

}  // namespace allma::mapping
