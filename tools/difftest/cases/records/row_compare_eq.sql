SELECT ROW(1, 2) = ROW(1, 2) AS eq, ROW(1, 2) <> ROW(1, 3) AS ne;
SELECT (1, 2) = (1, NULL) AS eq_null, (1, 2) = (2, NULL) AS eq_false;
SELECT (1, NULL) <> (1, 2) AS ne_null, (1, NULL) <> (2, 2) AS ne_true;
SELECT ROW(1, 'a') = ROW(1, 'a') AS mixed;
SELECT (1, 2) = (1.0, 2.0) AS cross_type;
SELECT ROW(1, 2) = ROW(1, 2, 3);
SELECT ROW(1, 'a') = ROW(1, 2);
