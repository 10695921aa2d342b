#include <string>

#include "json/compare.h"
#include "json/jsonpath.h"
#include "template/helpers.h"
#include "template/renderer.h"

namespace allma::tmpl::detail {
namespace {

bool is_block_only(HelperId id) {
  return id == HelperId::kIf || id == HelperId::kUnless || id == HelperId::kEach ||
         id == HelperId::kWith || id == HelperId::kWithJsonPath ||
         id == HelperId::kBlockHelperMissing;
}

std::string_view helper_name(HelperId id) {
  switch (id) {
    case HelperId::kIf:
      return "if";
    case HelperId::kUnless:
      return "unless";
    case HelperId::kEach:
      return "each";
    case HelperId::kWith:
      return "with";
    case HelperId::kWithJsonPath:
      return "with_json_path";
    case HelperId::kBlockHelperMissing:
      return "blockHelperMissing";
    default:
      return "helper";
  }
}

}  // namespace

bool Renderer::helper(const Call& call, const Env& env, const Statement* st, Val* out,
                      Piece* piece) {
  Args args(call.params.size());
  for (std::size_t i = 0; i < call.params.size(); ++i) {
    if (!eval(call.params[i], env, args[i])) return false;
  }
  bool include_zero = false;
  for (const ast::HashPair& pair : call.hash) {
    Val v;
    if (!eval(pair.value, env, v)) return false;
    if (pair.key == "includeZero") include_zero = json::truthy(value_of(v));
  }
  HelperId id = call.helper;
  std::size_t n = args.size();
  if ((id == HelperId::kIf || id == HelperId::kUnless || id == HelperId::kWith) && n != 1) {
    return fail(call.loc, "#" + std::string(helper_name(id)) + " requires exactly one argument");
  }
  if (id == HelperId::kEach && n != 1) {
    return fail(call.loc, "Must pass iterator to #each");
  }
  if (is_block_only(id)) {
    if (st == nullptr) {
      return fail(call.loc, std::string(helper_name(id)) + " must be used as a block ({{#" +
                                std::string(helper_name(id)) + " ...}})");
    }
    return block_helper(call, args, include_zero, env, *st, *piece);
  }
  if (st == nullptr) return value_helper(call, args, *out);
  Val v;
  if (!value_helper(call, args, v)) return false;
  *piece = piece_of(v);
  return true;
}

bool Renderer::block_helper(const Call& call, Args& args, bool include_zero, const Env& env,
                            const Statement& st, Piece& r) {
  Val self = helper_this(env);
  switch (call.helper) {
    case HelperId::kIf:
    case HelperId::kUnless: {
      const bj::value* c = value_of(args[0]);
      bool negative = (!include_zero && !json::truthy(c)) || helpers::is_empty(c);
      if (call.helper == HelperId::kUnless) negative = !negative;
      return negative ? inverse_this(st, self, env, r) : fn_this(st, self, env, r);
    }
    case HelperId::kEach:
      return each(args[0], self, st, env, r);
    case HelperId::kWith: {
      if (helpers::is_empty(value_of(args[0]))) {
        return inverse_this(st, self, env, r);
      }
      return invoke(st.program.get(), args[0], env, nullptr, &args[0], 1, true, r);
    }
    // TODO: two differences from raw jsonpath-plus remain. A path not starting with `$` is an
    // error here while jsonpath-plus evaluates it from the root, and a filter reading a member
    // of null (`[?(@.a)]` over a null element) selects nothing here while jsonpath-plus throws
    // (failing the render). Fix: a json::select variant that reports filter errors, and a
    // lenient parse mode for relative paths.
    case HelperId::kWithJsonPath: {
      const bj::value* text = args.empty() ? nullptr : value_of(args[0]);
      if (text == nullptr || !text->is_string()) {
        return fail(call.loc, "with_json_path needs a JSONPath string as its first argument");
      }
      auto parsed = json::JsonPath::parse(text->get_string());
      if (!parsed.ok()) {
        return fail(call.loc, "with_json_path: " + parsed.error().message);
      }
      bj::value scratch;
      bj::array matches;
      const Val& ctx = self;
      json::Scope scope = ctx.is_root() ? scope_ : json::Scope(*ctx.ptr());
      for (const bj::value* m : json::select(*parsed, scope, scratch)) matches.push_back(*m);
      Val result = Val::owned(bj::value(std::move(matches)));
      return invoke(st.program.get(), ctx, env, nullptr, &result, 1, true, r);
    }
    default:
      return fail(call.loc, "blockHelperMissing cannot be called directly");
  }
}

// `lookup obj key`: `if (!obj) return obj; return lookupProperty(obj, String(key))`.
bool Renderer::lookup_helper(const Call& call, Args& args, Val& out) {
  if (!args.empty() && !json::truthy(value_of(args[0]))) {
    out = args[0];
    return true;
  }
  if (args.size() != 2) {
    return fail(call.loc, "lookup needs an object and a key");
  }
  const bj::value* key = value_of(args[1]);
  std::string name =
      key != nullptr && key->is_string() ? std::string(key->get_string()) : json::to_js_string(key);
  out = lookup_property(args[0], name, scope_);
  return true;
}

bool Renderer::value_helper(const Call& call, Args& args, Val& out) {
  auto arg = [&](std::size_t i) -> const bj::value* {
    return i < args.size() ? value_of(args[i]) : nullptr;
  };
  switch (call.helper) {
    case HelperId::kJson: {
      bj::value text;
      const bj::value* r = helpers::json(arg(0), text);
      out = r == &text ? Val::owned(std::move(text)) : args[0];
      return true;
    }
    case HelperId::kSlice:
      out = Val::owned(helpers::slice(arg(0), arg(1), arg(2)));
      return true;
    case HelperId::kEq:
    case HelperId::kNeq: {
      bool eq = json::strict_equals(arg(0), arg(1));
      out = Val::owned(bj::value(call.helper == HelperId::kEq ? eq : !eq));
      return true;
    }
    case HelperId::kGt:
      out = Val::owned(bj::value(json::compare(arg(0), json::Relation::kGreater, arg(1))));
      return true;
    case HelperId::kLt:
      out = Val::owned(bj::value(json::compare(arg(0), json::Relation::kLess, arg(1))));
      return true;
    case HelperId::kDefault: {
      const bj::value* v = arg(0);
      bool use = v != nullptr && !v->is_null();
      out = use ? args[0] : (args.size() >= 2 ? args[1] : Val());
      return true;
    }
    case HelperId::kBase64:
      out = Val::owned(bj::value(bj::string(helpers::base64(arg(0)))));
      return true;
    case HelperId::kLookup:
      return lookup_helper(call, args, out);
    case HelperId::kLog:
      out = Val();
      return true;
    case HelperId::kHelperMissing:
      if (!args.empty() || !call.hash.empty()) {
        return fail(call.loc, "Missing helper: \"helperMissing\"");
      }
      out = Val();
      return true;
    default:
      return fail(call.loc, "Missing helper: \"" + call.path.original + "\"");
  }
}

}  // namespace allma::tmpl::detail
