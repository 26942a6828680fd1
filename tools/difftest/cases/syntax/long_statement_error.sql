SELECT aaaaaaaaaa, bbbbbbbbbb, cccccccccc, dddddddddd, eeeeeeeeee, ffffffffff, gggggggggg FROM nosuch;
SELECT 1 AS aaaaaaaaaa, 2 AS bbbbbbbbbb, 3 AS cccccccccc, 4 AS dddddddddd, 5 AS eeeeeeeeee, 6 AS ffffffffff, 7 AS gg gg;
