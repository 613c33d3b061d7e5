// The registry of event kinds (events/registry.cpp): one kind per EventType, in the enum's order,
// each with what the engine needs to apply it.
#include <gtest/gtest.h>

#include <set>

#include "events/kind.hpp"

namespace {

using migsim::detail::event_kinds;

TEST(EventRegistry, OneKindPerTypeInEnumOrderWithAUniqueName) {
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < event_kinds().size(); ++i) {
    const auto& kind = event_kinds()[i];
    EXPECT_EQ(static_cast<std::size_t>(kind.spec.type), i) << kind.spec.name;
    EXPECT_TRUE(names.insert(kind.spec.name).second) << kind.spec.name;
    EXPECT_EQ(&migsim::event_spec(kind.spec.type), &migsim::event_schema()[i]);
    EXPECT_EQ(migsim::find_event_type(kind.spec.name), &migsim::event_schema()[i]);
  }
  EXPECT_EQ(migsim::event_schema().size(), event_kinds().size());
}

TEST(EventRegistry, EveryKindActsOnTheModel) {
  // A kind that neither compiles into the tables, modifies the environment, changes a currency,
  // requires permits nor grants membership would be accepted and ignored.
  for (const auto& kind : event_kinds())
    EXPECT_TRUE(kind.compile || kind.modify || kind.currency_factor || kind.requires_permit || kind.union_membership)
        << kind.spec.name;
}

}  // namespace
