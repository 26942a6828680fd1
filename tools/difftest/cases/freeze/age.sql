-- xid and xid8: input (strtoul, unchecked), output, equality; age() and mxid_age()
SELECT '42'::xid AS a, '0x10'::xid AS hex, '-1'::xid AS minus_one, 'abc'::xid AS junk;
SELECT '42'::xid = '42'::xid AS eq, '42'::xid <> '43'::xid AS ne, '42'::xid = 42 AS eq_int, '42'::xid <> 42 AS ne_int;
SELECT '18446744073709551615'::xid8 AS max8, '5'::xid8 < '6'::xid8 AS lt, '4294967301'::xid8::xid AS low32;
SELECT '1'::xid < '2'::xid;
SELECT 5::xid;
-- special xids are infinitely old
SELECT age('0'::xid) AS invalid, age('1'::xid) AS bootstrap, age('2'::xid) AS frozen, mxid_age('0'::xid) AS no_multi;
CREATE TABLE consume_an_xid (x int);
SELECT age(datfrozenxid) > 0 AS positive, age(datfrozenxid) < 100000000 AS recent
  FROM pg_database WHERE datname = current_database();
SELECT pg_typeof(txid_current()) AS txid, pg_typeof(pg_current_xact_id()) AS xact_id, pg_typeof(age('3'::xid)) AS age;
BEGIN;
SELECT txid_current_if_assigned() IS NULL AS none_yet, pg_current_xact_id_if_assigned() IS NULL AS none_yet8;
SELECT txid_current() = txid_current() AS stable;
SELECT txid_current_if_assigned() = txid_current() AS assigned;
SELECT pg_current_xact_id() = txid_current()::text::xid8 AS same;
SELECT age(pg_current_xact_id()::xid) AS own_age;
COMMIT;
DROP TABLE consume_an_xid;
