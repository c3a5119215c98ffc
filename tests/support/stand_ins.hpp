#pragma once

#include "actors/protocol/inventory.hpp"
#include "actors/protocol/order.hpp"
#include "actors/protocol/payment.hpp"
#include "actors/protocol/reads.hpp"
#include "actors/protocol/shipping.hpp"

#include <caf/actor_system.hpp>
#include <caf/response_promise.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

// Stand-ins for the actors an entity talks to, for deterministic actor tests: each records what it
// was asked and answers as its test says (or holds the answer until the test releases it).
namespace agora::test {

/// An order store: records every append; lands each at once (`auto_land`) or when the test says.
struct journal_stand_in {
  bool auto_land = true;
  std::vector<protocol::journal_append> appends;
  std::vector<caf::response_promise> open; ///< parallel to appends

  /// All event types appended so far, in order.
  std::vector<domain::event_type> event_types() const;
};

/// An inventory store: records every write, lands each at once (`auto_land`) or when the test says;
/// answers loads with `snapshot`.
struct stock_store_stand_in {
  bool auto_land = true;
  protocol::shard_snapshot snapshot;
  size_t loads = 0;
  std::vector<protocol::shard_append> appends;
  std::vector<caf::response_promise> open; ///< parallel to appends
};

/// An inventory shard: holds every reserve (or refuses, `held` false), answers release and commit;
/// a `silent` one never answers.
struct shard_stand_in {
  bool held = true;
  bool silent = false;
  std::vector<std::string> calls; ///< "reserve", "release", "commit"
};

/// Payments: captures every charge, voids, refunds.
struct payments_stand_in {
  std::vector<std::string> calls; ///< "charge", "void", "refund"
};

/// Shipping: creates LABEL_CREATED shipments, answers get with `status`, cancels unless the parcel
/// was picked up (`picked_up`: a 409).
struct shipping_stand_in {
  bool picked_up = false;
  domain::shipment_status status = domain::shipment_status::label_created;
  std::vector<std::string> calls; ///< "create", "cancel", "get"
};

/// A successor router for handoffs: records the commands it gets and answers each with a view of
/// the order in status `answer`.
struct router_stand_in {
  domain::order_status answer = domain::order_status::cancelled;
  std::vector<std::string> calls; ///< "create", "cancel"
};

/// Order reads: answers loads from `journals` (or holds them until the test releases them,
/// `hold`), `unsettled` with every id it has a journal of, `lagging` with `lagging`.
struct reads_stand_in {
  bool hold = false;
  std::map<std::string, std::vector<domain::order_event>> journals;
  std::vector<std::string> lagging;
  std::vector<std::string> loads; ///< the ids loaded, in order
  std::vector<std::pair<std::string, caf::response_promise>> held;
};

protocol::read_store_actor spawn_reads(caf::actor_system& sys,
                                       std::shared_ptr<reads_stand_in> state);
/// Answers the loads the reads stand-in holds.
void release_loads(const protocol::read_store_actor& reads);

protocol::order_store_actor spawn_journal(caf::actor_system& sys,
                                          std::shared_ptr<journal_stand_in> state);
/// Lands (`ok`) or fails append number `index` of the journal (sent to it as a message).
void land(const protocol::order_store_actor& journal, size_t index, bool ok);
/// Fails append number `index` of the journal with `err`.
void refuse(const protocol::order_store_actor& journal, size_t index, caf::error err);
protocol::inventory_store_actor spawn_stock_store(caf::actor_system& sys,
                                                  std::shared_ptr<stock_store_stand_in> state);
/// Stocks `store`'s snapshot with product 3 (shard 3 of 8), a lamp at 15.00: 5 on hand, nothing
/// reserved, alerts at 1.
void stock_one_lamp(stock_store_stand_in& store);
/// Lands (`ok`) or fails write number `index` of the inventory store.
void land(const protocol::inventory_store_actor& store, size_t index, bool ok);
protocol::inventory_actor spawn_shard(caf::actor_system& sys,
                                      std::shared_ptr<shard_stand_in> state);
protocol::payment_actor spawn_payments(caf::actor_system& sys,
                                       std::shared_ptr<payments_stand_in> state);
protocol::shipping_actor spawn_shipping(caf::actor_system& sys,
                                        std::shared_ptr<shipping_stand_in> state);
protocol::order_router_actor spawn_router(caf::actor_system& sys,
                                          std::shared_ptr<router_stand_in> state);

} // namespace agora::test
