#pragma once

#include <string>
#include <vector>

// A network partition made for real with iptables on loopback: a node that runs as its own user
// (agora_node's `uid`) is cut off both ways. Every packet its user sends is dropped (OUTPUT, by
// owner) after marking its connection, and every packet of a marked connection or to a port it
// listens on is dropped too (INPUT): its HTTP and cluster ports and its connections to the
// database and its peers. Nothing is killed: the process runs on and finds its connections
// silent, as behind a failed switch.
namespace agora::test {

class partition {
 public:
  /// Whether partitions can be made here (root, with iptables).
  static bool available();

  /// Cuts off process `pid`, which runs as `uid`: from everything, or (`port` other than 0) from
  /// the server on that loopback port only (its database, say).
  partition(int pid, unsigned uid, int port = 0);
  ~partition();

  partition(const partition&) = delete;
  partition& operator=(const partition&) = delete;

  /// Removes the rules: the node's packets flow again.
  void heal();

 private:
  std::vector<std::string> rules_; ///< "<chain> <match...>" as given to iptables -I / -D
};

} // namespace agora::test
