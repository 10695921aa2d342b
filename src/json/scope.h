#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace allma::json {

// The root a path, condition or template is evaluated against, without copying: either one JSON
// value, or up to four JSON objects layered the way JavaScript's `{...a, ...b}` merges them
// (later layers win for a key present in several; key order is that of the first layer holding
// the key). The engine builds `{...runtimeState, ...context}` this way (reference §4).
//
// A Scope borrows what it is built from: the values must outlive it. Cheap to copy.
class Scope {
 public:
  static constexpr std::size_t kMaxLayers = 4;

  // A scope whose root is `root` itself, of any JSON type.
  explicit Scope(const boost::json::value& root) : single_(&root) {}

  // A layered scope over objects, first = lowest precedence. Null pointers are skipped.
  Scope(std::initializer_list<const boost::json::object*> layers);

  // True when the root is one value rather than layers.
  bool is_single() const { return single_ != nullptr; }

  // The single root; only when is_single().
  const boost::json::value& single() const { return *single_; }

  // The member `key` of the root: the value from the highest layer that has it, or nullptr
  // (also nullptr for a single root that is not an object).
  const boost::json::value* find(std::string_view key) const;

  // Calls f(key, value) for every member of the root in merged order, the value from the
  // highest layer holding the key: what iterating materialize()'s result gives, without the
  // copy. A single root that is not an object has no members.
  template <typename F>
  void for_each_member(F f) const;

  // The root as one value: the single root itself, or the layers merged into `scratch` (a
  // shallow copy of every layer's members, in merged order). Costs a copy for layered scopes;
  // used only by whole-root operations (`$`, `$.*`, `$..x`, `{{this}}`).
  const boost::json::value& materialize(boost::json::value& scratch) const;

 private:
  const boost::json::value* single_ = nullptr;
  std::array<const boost::json::object*, kMaxLayers> layers_{};
  std::size_t count_ = 0;
};

template <typename F>
void Scope::for_each_member(F f) const {
  if (single_ != nullptr) {
    if (const boost::json::object* obj = single_->if_object()) {
      for (const auto& m : *obj) f(m.key(), m.value());
    }
    return;
  }
  for (std::size_t i = 0; i < count_; ++i) {
    for (const auto& m : *layers_[i]) {
      // A key a lower layer holds was visited at that layer's position.
      bool seen = false;
      for (std::size_t j = 0; j < i && !seen; ++j) seen = layers_[j]->contains(m.key());
      if (seen) continue;
      const boost::json::value* v = &m.value();
      for (std::size_t j = count_; --j > i;) {
        if (const boost::json::value* higher = layers_[j]->if_contains(m.key())) {
          v = higher;
          break;
        }
      }
      f(m.key(), *v);
    }
  }
}

}  // namespace allma::json
