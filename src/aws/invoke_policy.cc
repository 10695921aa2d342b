#include "aws/invoke_policy.h"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

#include "aws/arn.h"
#include "json/pointer.h"

namespace allma::aws {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxPolicyBytes = 1 << 20;
constexpr std::string_view kInvokeAction = "lambda:InvokeFunction";

Error invalid(std::string_view pointer, std::string message) {
  std::string where = pointer.empty() ? std::string("/") : std::string(pointer);
  return make_error(ErrorCode::kInvalidArgument,
                    "invoke policy: " + where + ": " + std::move(message), "InvalidInvokePolicy");
}

char fold(char c, bool ignore_case) {
  return ignore_case && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// A string or a non-empty array of non-empty strings, into `out`.
Status string_list(const json::value& v, const std::string& where, std::vector<std::string>& out) {
  if (v.is_string()) {
    out.emplace_back(v.as_string());
  } else if (v.is_array()) {
    const json::array& items = v.as_array();
    if (items.empty()) {
      return invalid(where, "empty list");
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (!items[i].is_string()) {
        return invalid(where + "/" + std::to_string(i), "expected a string");
      }
      out.emplace_back(items[i].as_string());
    }
  } else {
    return invalid(where, "expected a string or an array of strings");
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i].empty()) {
      return invalid(v.is_array() ? where + "/" + std::to_string(i) : where, "empty string");
    }
  }
  return ok_status();
}

// IAM actions are "*" or "<service>:<action pattern>".
Status check_actions(const std::vector<std::string>& actions, const std::string& where,
                     bool is_array) {
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const std::string& a = actions[i];
    std::size_t colon = a.find(':');
    bool ok = a == "*" || (colon != std::string::npos && colon > 0 && colon + 1 < a.size() &&
                           a.find(':', colon + 1) == std::string::npos);
    if (!ok) {
      return invalid(is_array ? where + "/" + std::to_string(i) : where,
                     "action \"" + a + "\" is not \"*\" or \"<service>:<action>\"");
    }
  }
  return ok_status();
}

bool any_match(const std::vector<std::string>& patterns, std::string_view text, bool ignore_case) {
  for (const std::string& p : patterns) {
    if (wildcard_match(p, text, ignore_case)) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool wildcard_match(std::string_view pattern, std::string_view text, bool ignore_case) {
  std::size_t p = 0, t = 0;
  std::size_t star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() &&
               (pattern[p] == '?' || fold(pattern[p], ignore_case) == fold(text[t], ignore_case))) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

Result<InvokePolicy> InvokePolicy::parse(std::string_view json_text) {
  if (json_text.size() > kMaxPolicyBytes) {
    return invalid("", "document is larger than 1 MiB");
  }
  json::parse_options options;
  options.max_depth = 32;
  boost::system::error_code ec;
  json::value document = json::parse(json_text, ec, {}, options);
  if (ec) {
    return invalid("", "not valid JSON: " + ec.message());
  }
  return from_json(document);
}

Result<InvokePolicy> InvokePolicy::from_json(const json::value& document) {
  if (!document.is_object()) {
    return invalid("", "expected an object");
  }
  const json::object& top = document.as_object();
  for (const auto& member : top) {
    std::string_view key = member.key();
    if (key != "Version" && key != "Id" && key != "Statement") {
      return invalid(allma::json::pointer_append("", key), "unknown key");
    }
  }
  if (const json::value* version = top.if_contains("Version")) {
    if (!version->is_string() ||
        (version->as_string() != "2012-10-17" && version->as_string() != "2008-10-17")) {
      return invalid("/Version", "expected \"2012-10-17\" or \"2008-10-17\"");
    }
  }
  const json::value* statement = top.if_contains("Statement");
  if (statement == nullptr) {
    return invalid("/Statement", "missing");
  }

  InvokePolicy policy;
  if (statement->is_object()) {
    Result<Statement> one = parse_statement(statement->as_object(), "/Statement", 0);
    if (!one.ok()) {
      return one.error();
    }
    policy.statements_.push_back(std::move(*one));
    return policy;
  }
  if (!statement->is_array()) {
    return invalid("/Statement", "expected an object or an array");
  }
  const json::array& list = statement->as_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string where = "/Statement/" + std::to_string(i);
    if (!list[i].is_object()) {
      return invalid(where, "expected an object");
    }
    Result<Statement> one = parse_statement(list[i].as_object(), where, i);
    if (!one.ok()) {
      return one.error();
    }
    policy.statements_.push_back(std::move(*one));
  }
  return policy;
}

Result<InvokePolicy::Statement> InvokePolicy::parse_statement(const json::object& object,
                                                              const std::string& where,
                                                              std::size_t index) {
  Statement s;
  s.label = "#" + std::to_string(index);
  for (const auto& member : object) {
    std::string_view key = member.key();
    std::string at = allma::json::pointer_append(where, key);
    if (key == "NotAction" || key == "NotResource" || key == "Condition" || key == "Principal" ||
        key == "NotPrincipal") {
      return invalid(at, "\"" + std::string(key) + "\" is not supported in an invoke policy");
    }
    if (key != "Sid" && key != "Effect" && key != "Action" && key != "Resource") {
      return invalid(at, "unknown key");
    }
  }

  if (const json::value* sid = object.if_contains("Sid")) {
    if (!sid->is_string()) {
      return invalid(where + "/Sid", "expected a string");
    }
    if (!sid->as_string().empty()) {
      s.label = std::string(sid->as_string());
    }
  }
  const json::value* effect = object.if_contains("Effect");
  if (effect == nullptr) {
    return invalid(where + "/Effect", "missing");
  }
  if (!effect->is_string() || (effect->as_string() != "Allow" && effect->as_string() != "Deny")) {
    return invalid(where + "/Effect", "expected \"Allow\" or \"Deny\"");
  }
  s.allow = effect->as_string() == "Allow";

  const json::value* action = object.if_contains("Action");
  if (action == nullptr) {
    return invalid(where + "/Action", "missing");
  }
  Status status = string_list(*action, where + "/Action", s.actions);
  if (status.ok()) {
    status = check_actions(s.actions, where + "/Action", action->is_array());
  }
  if (!status.ok()) {
    return status.error();
  }

  const json::value* resource = object.if_contains("Resource");
  if (resource == nullptr) {
    return invalid(where + "/Resource", "missing");
  }
  status = string_list(*resource, where + "/Resource", s.resources);
  if (!status.ok()) {
    return status.error();
  }
  return s;
}

PolicyDecision InvokePolicy::evaluate(std::string_view arn) const {
  const Statement* allowing = nullptr;
  for (const Statement& s : statements_) {
    if (!any_match(s.actions, kInvokeAction, true) || !any_match(s.resources, arn, false)) {
      continue;
    }
    if (!s.allow) {
      return {PolicyEffect::kExplicitDeny, s.label};
    }
    if (allowing == nullptr) {
      allowing = &s;
    }
  }
  if (allowing != nullptr) {
    return {PolicyEffect::kAllowed, allowing->label};
  }
  return {PolicyEffect::kImplicitDeny, {}};
}

Status InvokePolicy::check(std::string_view arn) const {
  PolicyDecision decision = evaluate(arn);
  switch (decision.effect) {
    case PolicyEffect::kAllowed:
      return ok_status();
    case PolicyEffect::kExplicitDeny:
      return make_error(ErrorCode::kPermissionDenied,
                        "invoke policy denies \"" + std::string(arn) + "\": statement " +
                            decision.statement + " denies it",
                        "InvokePolicyDenied");
    case PolicyEffect::kImplicitDeny:
      break;
  }
  return make_error(ErrorCode::kPermissionDenied,
                    "invoke policy denies \"" + std::string(arn) +
                        "\": no statement allows lambda:InvokeFunction on it",
                    "InvokePolicyDenied");
}

Status InvokePolicy::check_function(std::string_view function_name, std::string_view qualifier,
                                    std::string_view default_region,
                                    std::string_view default_account) const {
  Result<FunctionRef> ref = parse_function_name(function_name);
  if (!ref.ok()) {
    return ref.error();
  }
  if (ref->qualifier.empty()) {
    ref->qualifier = std::string(qualifier);
  }
  return check(to_arn(*ref, default_region, default_account));
}

}  // namespace allma::aws
