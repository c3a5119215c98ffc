#include "persistence/outbox.hpp"

#include "persistence/sql.hpp"

namespace agora::persistence {

namespace {

const merge_spec outbox_insert{
  90,
  "INSERT INTO notifications (id, dedupe_key, type, order_id, product_id, recipient, subject, "
  "body_text, body_html) VALUES ",
  " ON CONFLICT (dedupe_key) DO NOTHING"};

} // namespace

write_row outbox_row(const domain::notification& n, const std::string& id) {
  using namespace sql;
  return {
    &outbox_insert,
    "("
      + list({lit(id), lit(n.dedupe_key), lit(domain::to_string(n.type)), lit_or_null(n.order_id),
              n.product_id > 0 ? lit(n.product_id) : std::string{"NULL::bigint"}, lit(n.recipient),
              lit(n.subject), lit(n.body_text), lit_or_null(n.body_html)})
      + ")"};
}

} // namespace agora::persistence
