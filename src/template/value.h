#pragma once

// The values a template works with while rendering (internal to allma_template): a borrowed
// JSON value, an owned one (helper results, computed members), absent (JS undefined), or the
// root of a layered scope (which has no single JSON value until materialised).

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "json/scope.h"

namespace allma::tmpl {

class Val {
 public:
  enum class Kind : std::uint8_t { kAbsent, kRef, kOwned, kRoot };

  Val() = default;
  static Val ref(const boost::json::value* v) {
    Val r;
    if (v != nullptr) {
      r.kind_ = Kind::kRef;
      r.ref_ = v;
    }
    return r;
  }
  static Val owned(boost::json::value v) {
    Val r;
    r.kind_ = Kind::kOwned;
    r.own_.emplace(std::move(v));
    return r;
  }
  static Val root() {
    Val r;
    r.kind_ = Kind::kRoot;
    return r;
  }

  Kind kind() const { return kind_; }
  bool absent() const { return kind_ == Kind::kAbsent; }
  bool is_root() const { return kind_ == Kind::kRoot; }
  bool is_owned() const { return kind_ == Kind::kOwned; }

  // The JSON value; nullptr when absent or the layered root.
  const boost::json::value* ptr() const {
    return kind_ == Kind::kRef ? ref_ : kind_ == Kind::kOwned ? &*own_ : nullptr;
  }

 private:
  Kind kind_ = Kind::kAbsent;
  const boost::json::value* ref_ = nullptr;
  std::optional<boost::json::value> own_;  // engaged only for kOwned: no JSON value otherwise
};

// JS own-property lookup `parent[key]` as Handlebars' lookupProperty does it: object members,
// array elements (canonical indices) and `length`, string UTF-16 units and `length`; anything
// else is absent. Members of the layered root come from `scope`. When `parent` is owned the
// result is a copy.
Val lookup_property(const Val& parent, std::string_view key, const json::Scope& scope);

// True for keys JS orders first in objects (canonical array indices below 2^32 - 1).
bool is_array_index_key(std::string_view key);

}  // namespace allma::tmpl
