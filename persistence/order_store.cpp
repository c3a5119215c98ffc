#include "persistence/order_store.hpp"

#include "persistence/errors.hpp"
#include "persistence/order_codec.hpp"
#include "persistence/sql.hpp"
#include "persistence/write_back.hpp"
#include "runtime/base/actor_registry.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace agora::persistence {

namespace {

using namespace agora::protocol;

using store_impl = order_store_actor::extend<caf::reacts_to<written_atom, uint64_t, caf::error>>;

struct store_state {
  static inline const char* name = "store.orders";
  write_back pending;
};

store_impl::behavior_type store(store_impl::stateful_pointer<store_state> self, writer* w,
                                actor_registry* registry) {
  track_sampled(self, *registry, "store.orders");
  return {
    [=](append_atom, const journal_append& batch) -> caf::result<bool> {
      try {
        auto last = int64_t{batch.first_seq} + static_cast<int64_t>(batch.events.size()) - 1;
        auto verify = "SELECT 1 FROM order_events WHERE order_id = " + sql::lit(batch.order_id)
                      + " AND seq = " + sql::lit(last);
        return self->state.pending.submit(self, *w, journal_job(batch), std::move(verify));
      } catch (...) {
        return translate_current_exception();
      }
    },
    [=](written_atom, uint64_t token, const caf::error& err) {
      self->state.pending.done(token, err);
    },
  };
}

} // namespace

order_store_actor spawn_order_store(caf::actor_system& sys, writer& w, actor_registry& registry) {
  return caf::actor_cast<order_store_actor>(spawn_counted(sys, store, &w, &registry));
}

} // namespace agora::persistence
