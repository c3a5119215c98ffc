#include "persistence/outbox.hpp"

#include "persistence/sql.hpp"

namespace agora::persistence {

std::string outbox_insert_sql(const domain::notification& n, const std::string& id) {
  using namespace sql;
  return "INSERT INTO notifications (id, dedupe_key, type, order_id, product_id, recipient, "
         "subject, body_text) VALUES ("
         + list({lit(id), lit(n.dedupe_key), lit(domain::to_string(n.type)),
                 lit_or_null(n.order_id),
                 n.product_id > 0 ? lit(n.product_id) : std::string{"NULL"}, lit(n.recipient),
                 lit(n.subject), lit(n.body_text)})
         + ") ON CONFLICT (dedupe_key) DO NOTHING";
}

} // namespace agora::persistence
