#include "model/agents.hpp"

namespace migsim::detail {

namespace {
template <typename F>
void for_each_column(AgentStore& a, F&& f) {
  f(a.status), f(a.origin), f(a.location), f(a.traits), f(a.trips), f(a.birth_day), f(a.moved_day), f(a.savings_usd);
  f(a.status_day);
}
}  // namespace

void AgentStore::reserve(std::size_t n) {
  for_each_column(*this, [n](auto& column) { column.reserve(n); });
  ban_until.reserve(n * ban_slots);
}

void AgentStore::resize(std::size_t n) {
  for_each_column(*this, [n](auto& column) { column.resize(n); });
  ban_until.resize(n * ban_slots, 0);
}

std::size_t AgentStore::bytes() const {
  std::size_t total = 0;
  for_each_column(const_cast<AgentStore&>(*this), [&](auto& column) {
    total += column.capacity() * sizeof(typename std::decay_t<decltype(column)>::value_type);
  });
  total += ban_until.capacity() * sizeof(std::int32_t);
  return total;
}

}  // namespace migsim::detail
