VALUES (1, 2), (3);
VALUES (1), ('x');
VALUES (1), (1.5), ('2');
SELECT * FROM (VALUES (1, 2)) v(a, b, c);
VALUES (nosuch);
VALUES (count(*));
SELECT * FROM (VALUES (1), (2)) v(a) WHERE a = 'q';
