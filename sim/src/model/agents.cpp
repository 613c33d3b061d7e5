#include "model/agents.hpp"

namespace migsim::detail {

void AgentStore::reserve(std::size_t n) {
  for_each_column(*this, [n](const char*, auto& column) { column.reserve(n); });
  ban_until.reserve(n * ban_slots);
}

void AgentStore::resize(std::size_t n) {
  for_each_column(*this, [n](const char*, auto& column) { column.resize(n); });
  ban_until.resize(n * ban_slots, 0);
}

std::size_t AgentStore::bytes() const {
  std::size_t total = 0;
  for_each_column(*this, [&](const char*, const auto& column) {
    total += column.capacity() * sizeof(typename std::decay_t<decltype(column)>::value_type);
  });
  total += ban_until.capacity() * sizeof(std::int32_t);
  return total;
}

}  // namespace migsim::detail
