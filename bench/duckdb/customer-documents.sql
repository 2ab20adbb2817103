-- The Customer items of mappings/customer.map, as DuckDB would build them: one JSON document
-- per customer, written as NDJSON. Placeholders (substituted as SQL literals by
-- build-documents.ts): {{dir}} the directory holding the unzipped extract, {{as_of}} the
-- run's reference timestamp, {{out}} the NDJSON file to write.
--
-- The files are read with the layout examples/warehouse.map declares: explicit column types
-- (DECIMAL for money, no sniffing), glob patterns over the part files, "|"-delimited
-- headerless products.txt whose trailing "|" makes a fifth, always empty column, and the
-- customers header's country_code. A UTF-8 BOM at the start of a file is skipped by the reader.
--
-- Limits: row_number() windows (rn) with QUALIFY rn <= N. Ordered lists: list() of
-- {k: rn, v: element}, put in the order of k by values_by_key, which sorts only the keys
-- (list_grade_up) and gathers the elements; rn is unique in each list, so the order is fully
-- defined. On this data that is about twice as fast as list(v ORDER BY …) (DuckDB's ordered
-- aggregate), and much faster than list_sort over the structs, which compares whole nested
-- elements. rn is a column rather than row_number() written in QUALIFY, which DuckDB turns
-- into a top-N aggregate that was several times slower than the window for the lines here.

-- The values of a list of {k, v} in the order of k (k unique): sorting only the keys.
CREATE OR REPLACE TEMP MACRO values_by_key(pairs) AS
  list_select(list_transform(pairs, e -> e.v), list_grade_up(list_transform(pairs, e -> e.k)));

SET VARIABLE as_of = {{as_of}}::TIMESTAMP;

COPY (
  WITH
  customers AS (
    SELECT customer_id, name, email, segment, country_code AS country, created_at
    FROM read_csv({{dir}} || '/customers*.csv', header = true, auto_detect = false,
                  delim = ',', quote = '"', escape = '"',
                  timestampformat = '%Y-%m-%dT%H:%M:%SZ',
                  columns = {'customer_id': 'BIGINT', 'name': 'VARCHAR', 'email': 'VARCHAR',
                             'segment': 'VARCHAR', 'created_at': 'TIMESTAMP',
                             'country_code': 'VARCHAR', 'loyalty_tier': 'VARCHAR'})
    WHERE segment <> 'TEST'
  ),
  -- where status != "CANCELLED", keep date >= as_of - 9 months, order by date desc, id, limit 100
  orders AS (
    SELECT order_id, customer_id, order_date, status, channel,
           row_number() OVER (PARTITION BY customer_id
                              ORDER BY order_date DESC NULLS FIRST, order_id) AS rn
    FROM read_csv({{dir}} || '/orders*.csv', header = true, auto_detect = false,
                  delim = ',', quote = '"', escape = '"', dateformat = '%Y-%m-%d',
                  columns = {'order_id': 'BIGINT', 'customer_id': 'BIGINT', 'order_date': 'DATE',
                             'status': 'VARCHAR', 'channel': 'VARCHAR', 'source_system': 'VARCHAR'})
    WHERE status <> 'CANCELLED'
      AND order_date >= getvariable('as_of') - INTERVAL 9 MONTH
      AND customer_id IN (SELECT customer_id FROM customers)
    QUALIFY rn <= 100
  ),
  products AS (
    SELECT sku, description, category
    FROM read_csv({{dir}} || '/products*.txt', header = false, auto_detect = false,
                  delim = '|', quote = '"', escape = '"',
                  columns = {'sku': 'VARCHAR', 'description': 'VARCHAR', 'category': 'VARCHAR',
                             'list_price': 'DECIMAL(18,2)', 'trailing_empty': 'VARCHAR'})
  ),
  -- each l in o.order_lines order by l.line_no limit 200
  lines AS (
    SELECT l.order_id, l.line_no, l.sku, p.description, p.category, l.qty,
           round(l.qty * l.unit_price, 2) AS amount,
           row_number() OVER (PARTITION BY l.order_id ORDER BY l.line_no) AS rn
    FROM read_csv({{dir}} || '/order_lines*.csv', header = true, auto_detect = false,
                  delim = ',', quote = '"', escape = '"',
                  columns = {'line_no': 'INTEGER', 'order_id': 'BIGINT', 'sku': 'VARCHAR',
                             'qty': 'INTEGER', 'unit_price': 'DECIMAL(18,2)'}) l
    LEFT JOIN products p ON p.sku = l.sku
    WHERE l.order_id IN (SELECT order_id FROM orders)
    QUALIFY rn <= 200
  ),
  order_lines AS (
    SELECT order_id,
           values_by_key(list({'k': rn,
                                          'v': {'line': line_no, 'sku': sku, 'description': description,
                                                'category': category, 'qty': qty, 'amount': amount}})) AS lines,
           sum(amount) AS total,
           count(*) AS line_count
    FROM lines
    GROUP BY order_id
  ),
  -- each p in o.payments order by p.paid_at limit 20
  payments AS (
    SELECT payment_id, order_id, paid_at, upper(method) AS method, amount,
           row_number() OVER (PARTITION BY order_id ORDER BY paid_at, payment_id) AS rn
    FROM read_csv({{dir}} || '/payments*.csv', header = true, auto_detect = false,
                  delim = ',', quote = '"', escape = '"',
                  timestampformat = '%Y-%m-%dT%H:%M:%SZ',
                  columns = {'payment_id': 'BIGINT', 'order_id': 'BIGINT', 'paid_at': 'TIMESTAMP',
                             'method': 'VARCHAR', 'amount': 'DECIMAL(18,2)'})
    WHERE order_id IN (SELECT order_id FROM orders)
    QUALIFY rn <= 20
  ),
  order_payments AS (
    SELECT order_id,
           values_by_key(list({'k': rn,
                                          'v': {'id': payment_id,
                                                'at': strftime(paid_at, '%Y-%m-%dT%H:%M:%S.%gZ'),
                                                'method': method, 'amount': amount}})) AS payments,
           sum(amount) AS paid
    FROM payments
    GROUP BY order_id
  ),
  order_documents AS (
    SELECT o.customer_id, o.rn, o.order_date, ol.total,
           {'id': o.order_id,
            'date': o.order_date,
            'status': o.status,
            'channel': coalesce(o.channel, 'web'),
            'lines': coalesce(ol.lines, []),
            'payments': coalesce(op.payments, []),
            'total': ol.total,
            'paid': coalesce(op.paid, 0),
            'balance': ol.total - coalesce(op.paid, 0),
            'size': CASE WHEN coalesce(ol.line_count, 0) >= 10 THEN 'large'
                         WHEN coalesce(ol.line_count, 0) >= 3 THEN 'medium'
                         ELSE 'small' END} AS document
    FROM orders o
    LEFT JOIN order_lines ol ON ol.order_id = o.order_id
    LEFT JOIN order_payments op ON op.order_id = o.order_id
  ),
  customer_orders AS (
    SELECT customer_id,
           values_by_key(list({'k': rn, 'v': document})) AS orders,
           count(*) AS order_count,
           sum(total) AS lifetime,
           max(order_date) AS last_order
    FROM order_documents
    GROUP BY customer_id
  )
  SELECT 'CUST#' || c.customer_id AS pk,
         'PROFILE' AS sk,
         c.name,
         lower(trim(c.email)) AS email,
         c.segment,
         {'country': c.country, 'since': CAST(c.created_at AS DATE)} AS address,
         co.orders,
         co.order_count,
         co.lifetime,
         co.last_order,
         -- ttl = …: written under the target's TTL attribute (target app_table { ttl expires_at })
         CAST(epoch(co.last_order + INTERVAL 9 MONTH) AS BIGINT) AS expires_at
  FROM customers c
  JOIN customer_orders co ON co.customer_id = c.customer_id  -- require count(orders) >= 1
) TO {{out}} (FORMAT JSON);
