#include "tests/support/stand_ins.hpp"

#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

namespace agora::test {

using namespace agora::protocol;

std::vector<domain::event_type> journal_stand_in::event_types() const {
  std::vector<domain::event_type> out;
  for (auto& a : appends)
    for (auto& e : a.events)
      out.push_back(e.type);
  return out;
}

read_store_actor spawn_reads(caf::actor_system& sys, std::shared_ptr<reads_stand_in> r) {
  auto a = sys.spawn([r](caf::event_based_actor* self) -> caf::behavior {
    return {
      [=](load_atom, const std::string& id) {
        auto rp = self->make_response_promise();
        r->loads.push_back(id);
        if (r->hold)
          r->held.emplace_back(id, rp);
        else
          rp.deliver(r->journals[id]);
        return rp;
      },
      [=](unsettled_atom) {
        std::vector<std::string> ids;
        for (auto& [id, journal] : r->journals)
          ids.push_back(id);
        return ids;
      },
      [=](lagging_atom, int64_t) {
        return r->lagging;
      },
      [=](written_atom) {
        auto held = std::move(r->held);
        r->held.clear();
        for (auto& [id, rp] : held)
          rp.deliver(r->journals[id]);
      },
    };
  });
  return caf::actor_cast<read_store_actor>(a);
}

void release_loads(const read_store_actor& reads) {
  caf::anon_send(caf::actor_cast<caf::actor>(reads), written_atom_v);
}

order_store_actor spawn_journal(caf::actor_system& sys, std::shared_ptr<journal_stand_in> j) {
  auto a = sys.spawn([j](caf::event_based_actor* self) -> caf::behavior {
    return {
      [=](append_atom, journal_append& batch) {
        auto rp = self->make_response_promise();
        j->appends.push_back(std::move(batch));
        j->open.push_back(rp);
        if (j->auto_land)
          rp.deliver(true);
        return rp;
      },
      [=](written_atom, uint64_t index, caf::error& err) {
        j->open.at(index).deliver(std::move(err));
      },
      [=](written_atom, uint64_t index, bool ok) {
        auto& rp = j->open.at(index);
        if (ok)
          rp.deliver(true);
        else
          rp.deliver(caf::make_error(errc::storage_unavailable, std::string{"the test failed it"}));
      },
    };
  });
  return caf::actor_cast<order_store_actor>(a);
}

void land(const order_store_actor& journal, size_t index, bool ok) {
  caf::anon_send(caf::actor_cast<caf::actor>(journal), written_atom_v, uint64_t{index}, ok);
}

void refuse(const order_store_actor& journal, size_t index, caf::error err) {
  caf::anon_send(caf::actor_cast<caf::actor>(journal), written_atom_v, uint64_t{index},
                 std::move(err));
}

void stock_one_lamp(stock_store_stand_in& store) {
  store.snapshot.products = {{3, "SKU-3", "Lamp", "", 1500, "USD"}};
  store.snapshot.levels = {{3, 5, 0, 1, true}};
  store.snapshot.alert_counts = {0};
}

inventory_store_actor spawn_stock_store(caf::actor_system& sys,
                                        std::shared_ptr<stock_store_stand_in> st) {
  auto a = sys.spawn([st](caf::event_based_actor* self) -> caf::behavior {
    return {
      [=](commit_atom, shard_append& write) {
        auto rp = self->make_response_promise();
        st->appends.push_back(std::move(write));
        st->open.push_back(rp);
        if (st->auto_land)
          rp.deliver(true);
        return rp;
      },
      [=](load_atom, uint32_t, uint32_t) {
        ++st->loads;
        return st->snapshot;
      },
      [=](written_atom, uint64_t index, bool ok) {
        auto& rp = st->open.at(index);
        if (ok)
          rp.deliver(true);
        else
          rp.deliver(caf::make_error(errc::storage_unavailable, std::string{"the test failed it"}));
      },
    };
  });
  return caf::actor_cast<inventory_store_actor>(a);
}

void land(const inventory_store_actor& store, size_t index, bool ok) {
  caf::anon_send(caf::actor_cast<caf::actor>(store), written_atom_v, uint64_t{index}, ok);
}

inventory_actor spawn_shard(caf::actor_system& sys, std::shared_ptr<shard_stand_in> s) {
  auto a = sys.spawn([s](caf::event_based_actor* self) -> caf::behavior {
    auto hold = [=](const char* call) {
      s->calls.push_back(call);
      return self->make_response_promise(); // delivered below unless silent
    };
    return {
      [=](reserve_atom, const std::string&, const std::vector<domain::line_item>&) {
        auto rp = hold("reserve");
        if (!s->silent)
          rp.deliver(reserve_reply{s->held, {}});
        return rp;
      },
      [=](release_atom, const std::string&) {
        auto rp = hold("release");
        if (!s->silent)
          rp.deliver(true);
        return rp;
      },
      [=](commit_atom, const std::string&) {
        auto rp = hold("commit");
        if (!s->silent)
          rp.deliver(true);
        return rp;
      },
    };
  });
  return caf::actor_cast<inventory_actor>(a);
}

payment_actor spawn_payments(caf::actor_system& sys, std::shared_ptr<payments_stand_in> s) {
  auto a = sys.spawn([s](caf::event_based_actor*) -> caf::behavior {
    auto make = [](const std::string& order_id, domain::payment_status status, int64_t cents) {
      payment p;
      p.id = "pay_" + order_id;
      p.order_id = order_id;
      p.status = status;
      p.amount_cents = cents;
      p.currency = "USD";
      return p;
    };
    return {
      [=](charge_atom, const charge_request& req) {
        s->calls.push_back("charge");
        return make(req.order_id, domain::payment_status::captured, req.amount_cents);
      },
      [=](void_atom, const std::string& order_id) {
        s->calls.push_back("void");
        return make(order_id, domain::payment_status::voided, 0);
      },
      [=](refund_atom, const std::string& payment_id, int64_t, const std::string&) {
        s->calls.push_back("refund");
        auto p = make(payment_id.substr(4), domain::payment_status::refunded, 3000);
        p.refunded_cents = 3000;
        return p;
      },
    };
  });
  return caf::actor_cast<payment_actor>(a);
}

shipping_actor spawn_shipping(caf::actor_system& sys, std::shared_ptr<shipping_stand_in> s) {
  auto a = sys.spawn([s](caf::event_based_actor*) -> caf::behavior {
    auto shipment_of = [=](const std::string& order_id, domain::shipment_status status) {
      return shipment{"shp_" + order_id, order_id, status, "1ZTEST" + order_id, "UPS"};
    };
    return {
      [=](create_atom, const std::string& order_id, const domain::address&) {
        s->calls.push_back("create");
        return shipment_of(order_id, s->status);
      },
      [=](get_atom, const std::string& order_id) {
        s->calls.push_back("get");
        return shipment_of(order_id, s->status);
      },
      [=](cancel_atom, const std::string& order_id) -> caf::result<shipment> {
        s->calls.push_back("cancel");
        if (s->picked_up)
          return caf::make_error(errc::conflict, std::string{"the shipment is IN_TRANSIT"});
        return shipment_of(order_id, domain::shipment_status::cancelled);
      },
    };
  });
  return caf::actor_cast<shipping_actor>(a);
}

order_router_actor spawn_router(caf::actor_system& sys, std::shared_ptr<router_stand_in> s) {
  auto a = sys.spawn([s](caf::event_based_actor*) -> caf::behavior {
    auto view = [=](const std::string& id) {
      order_view v;
      v.id = id;
      v.status = s->answer;
      return v;
    };
    return {
      [=](create_atom, const create_order& req) {
        s->calls.push_back("create");
        return view(req.draft.id);
      },
      [=](cancel_atom, const std::string& id) {
        s->calls.push_back("cancel");
        return view(id);
      },
    };
  });
  return caf::actor_cast<order_router_actor>(a);
}

} // namespace agora::test
