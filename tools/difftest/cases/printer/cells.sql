\pset null '<NULL>'
SELECT 1::int2 AS i2, 2::int4 AS i4, 3::int8 AS i8, 1.5::float4 AS f4, 2.5::float8 AS f8, 3.25::numeric AS num, 'txt' AS t;
SELECT 1.5::numeric AS numeric_col, 2::oid AS oid_col, '3'::xid AS xid_col, '4'::xid8 AS xid8_col, '5'::cid AS cid_col, 6::money AS money_col, 7::float4 AS float4_col, 'x'::name AS name_col;
SELECT 26::oid AS o, '12'::xid AS x, 100::money AS m, true AS b, NULL::int AS n, NULL::text AS nt;
SELECT E'tab\there' AS tabbed, E'cr\rhere' AS cr, E'bell\x07here' AS ctrl;
SELECT E'one\ntwo\nthree' AS multi, 42 AS n, E'a\nb' AS last;
SELECT 12345 AS n, E'x\ny' AS multi_right_of_number;
SELECT 'é' AS accent, 'ü' AS "ü", 'naïve café' AS words, '日本' AS wide;
SELECT x AS n, repeat('*', x) AS stars FROM generate_series(1, 12) AS g(x);
SELECT 'a' AS "very long column name here", 'b' AS s;
SELECT 'left' AS "Mixed Case", 1 AS "x y";
SELECT;
SELECT 1 AS n WHERE false;
