#include "runtime/base/actor_registry.hpp"

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace agora {

actor_registry::actor_registry(std::string node, prometheus::Registry& metrics)
  : node_(std::move(node)), alive_(prometheus::BuildGauge()
                                     .Name("agora_actors_alive")
                                     .Help("Live actors on this node by type")
                                     .Register(metrics)) {}

prometheus::Gauge& actor_registry::gauge_for(const std::string& type) {
  auto i = gauges_.find(type);
  if (i == gauges_.end())
    i = gauges_.emplace(type, &alive_.Add({{"type", type}})).first;
  return *i->second;
}

void actor_registry::add(actor_entry entry) {
  if (entry.node.empty())
    entry.node = node_;
  if (entry.since == std::chrono::system_clock::time_point{})
    entry.since = std::chrono::system_clock::now();
  std::lock_guard<std::mutex> guard{mutex_};
  auto old = entries_.find(entry.id);
  if (old != entries_.end()) // a re-registration replaces the old entry, counted once
    gauge_for(old->second.type).Decrement();
  gauge_for(entry.type).Increment();
  entries_.insert_or_assign(entry.id, std::move(entry));
}

void actor_registry::remove(uint64_t id) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = entries_.find(id);
  if (i == entries_.end())
    return;
  gauge_for(i->second.type).Decrement();
  entries_.erase(i);
}

std::optional<actor_entry> actor_registry::find(uint64_t id) const {
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = entries_.find(id);
  if (i == entries_.end())
    return std::nullopt;
  return i->second;
}

std::vector<actor_entry> actor_registry::snapshot(const std::string& type) const {
  std::lock_guard<std::mutex> guard{mutex_};
  std::vector<actor_entry> out;
  out.reserve(entries_.size());
  for (auto& [id, entry] : entries_)
    if (type.empty() || entry.type == type)
      out.push_back(entry);
  return out;
}

size_t actor_registry::size() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return entries_.size();
}

} // namespace agora
