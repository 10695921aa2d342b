#include "mapping/mapping_event.h"

#include "json/jsonpath.h"

namespace allma::mapping::internal {

namespace {

std::string_view kind_words(std::string_view kind) {
  if (kind == kInputMapping) return "input mapping";
  if (kind == kOutputMapping) return "output mapping";
  return "literal";
}

// `<what> "<target>" <- "<source>"` (the arrow part only when there is a source).
std::string describe(std::string_view what, std::string_view target, std::string_view source) {
  std::string out(what);
  out += " \"";
  out += target;
  out += '"';
  if (!source.empty()) {
    out += " <- \"";
    out += source;
    out += '"';
  }
  return out;
}

}  // namespace

Result<std::optional<boost::json::value>> resolve_source(const flow::SourcePath& source,
                                                         const json::Scope& scope) {
  if (source.path) return json::resolve(*source.path, scope);
  return json::resolve(std::string_view(source.text), scope);
}

MappingEvent make_event(std::string_view kind, std::string_view status, std::string_view target,
                        std::string_view source, std::string why) {
  std::string message =
      status == kSuccess ? std::move(why) : describe(kind_words(kind), target, source) + ": " + why;
  return MappingEvent{std::string(kind), std::string(status), std::string(target),
                      std::string(source), std::move(message)};
}

Error strict_error(const flow::Step& step, std::string_view what, std::string_view target,
                   std::string_view source, std::string_view why) {
  std::string message = "step \"" + step.id + "\": " + describe(what, target, source) + ": " +
                        std::string(why) + " (strictMappings)";
  return make_error(ErrorCode::kInvalidArgument, std::move(message),
                    std::string(kMappingErrorName));
}

}  // namespace allma::mapping::internal
