#include "json/scope.h"

namespace allma::json {

Scope::Scope(std::initializer_list<const boost::json::object*> layers) {
  for (const boost::json::object* layer : layers) {
    if (layer != nullptr && count_ < kMaxLayers) {
      layers_[count_++] = layer;
    }
  }
}

const boost::json::value* Scope::find(std::string_view key) const {
  if (single_ != nullptr) {
    const boost::json::object* obj = single_->if_object();
    return obj == nullptr ? nullptr : obj->if_contains(key);
  }
  for (std::size_t i = count_; i-- > 0;) {
    if (const boost::json::value* v = layers_[i]->if_contains(key)) {
      return v;
    }
  }
  return nullptr;
}

const boost::json::value& Scope::materialize(boost::json::value& scratch) const {
  if (single_ != nullptr) {
    return *single_;
  }
  boost::json::object& merged = scratch.emplace_object();
  for (std::size_t i = 0; i < count_; ++i) {
    for (const auto& member : *layers_[i]) {
      merged[member.key()] = member.value();
    }
  }
  return scratch;
}

}  // namespace allma::json
