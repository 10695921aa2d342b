#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace allma::aws {

// The outcome of checking one ARN against an invoke policy.
enum class PolicyEffect {
  kAllowed,       // an Allow statement matched and no Deny did
  kExplicitDeny,  // a Deny statement matched (it wins over any Allow)
  kImplicitDeny,  // no statement matched
};

struct PolicyDecision {
  PolicyEffect effect = PolicyEffect::kImplicitDeny;
  std::string statement;  // the deciding statement: its Sid, else "#<index>"; empty if implicit

  bool is_allowed() const { return effect == PolicyEffect::kAllowed; }
};

// An allma invoke policy (DESIGN.md §5): an IAM identity-policy document restricted to what
// matters for lambda:InvokeFunction.
//
// Accepted: {"Version"?, "Id"?, "Statement": <statement> | [<statement>...]}, each statement
// {"Sid"?, "Effect": "Allow"|"Deny", "Action": <string or array>, "Resource": <string or array>}.
// Actions match "lambda:InvokeFunction" case-insensitively and may use * and ? ("lambda:*",
// "lambda:Invoke*", "*"); other actions are valid but never apply. Resources match the ARN
// case-sensitively, with `*` (any run of characters, ':' included) and `?` (one character).
//
// Qualifiers, as in IAM: the ARN checked is the qualified one ("...:function:f:prod" for an
// alias, "...:function:f" when unqualified). A pattern "...:function:f" therefore does NOT cover
// "...:function:f:prod"; write "...:function:f:*" for every qualifier (not the unqualified
// name) or "...:function:f*" for both (and for every function whose name starts with f).
//
// Rejected with kInvalidArgument "InvalidInvokePolicy", located by a JSON pointer
// ("/Statement/1/Effect"): NotAction, NotResource, Condition, Principal, NotPrincipal (not
// supported), unknown keys, wrong types, empty action or resource lists, bad Effect values.
//
// Immutable after parse; any thread.
class InvokePolicy {
 public:
  // Parses policy JSON text (at most 1 MiB, nesting at most 32 deep).
  static Result<InvokePolicy> parse(std::string_view json_text);

  // Validates an already parsed document.
  static Result<InvokePolicy> from_json(const boost::json::value& document);

  // Decides whether invoking `arn` is allowed: explicit Deny wins, else allowed only when some
  // Allow statement matches. The first deciding statement in document order is named.
  PolicyDecision evaluate(std::string_view arn) const;

  // OK when `arn` is allowed, else kPermissionDenied "InvokePolicyDenied" naming the ARN and
  // the statement.
  Status check(std::string_view arn) const;

  // check() for a function name as a step renders it: parses `function_name` (aws/arn.h; its
  // errors are returned as they are), applies `qualifier` when the name has none, completes
  // the ARN with `default_region` and `default_account` (to_arn) and checks that ARN.
  Status check_function(std::string_view function_name, std::string_view qualifier,
                        std::string_view default_region, std::string_view default_account) const;

  std::size_t statement_count() const { return statements_.size(); }

 private:
  struct Statement {
    std::string label;  // Sid or "#<index>"
    bool allow = false;
    std::vector<std::string> actions;
    std::vector<std::string> resources;
  };

  static Result<Statement> parse_statement(const boost::json::object& object,
                                           const std::string& where, std::size_t index);

  std::vector<Statement> statements_;
};

// True when `text` matches the IAM wildcard `pattern` (`*` any run, `?` one character). Linear
// in memory, O(|pattern| * |text|) at worst.
bool wildcard_match(std::string_view pattern, std::string_view text, bool ignore_case);

}  // namespace allma::aws
