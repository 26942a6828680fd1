-- range columns in a table: INSERT, UPDATE, predicates, NULLs
CREATE TABLE booking (room int, during tsrange, guests int4range);
INSERT INTO booking VALUES
  (101, '[2024-01-01 14:00,2024-01-03 11:00)', '[1,2]'),
  (101, '[2024-01-05 14:00,2024-01-07 11:00)', '[1,3)'),
  (102, '[2024-01-02 14:00,2024-01-04 11:00)', NULL),
  (103, NULL, '[2,4]');
SELECT room, during, guests FROM booking ORDER BY room, during;
SELECT room FROM booking WHERE during && '[2024-01-02,2024-01-03)' ORDER BY room;
SELECT room FROM booking WHERE during @> '2024-01-06 09:00'::timestamp;
UPDATE booking SET during = during + '[2024-01-07 11:00,2024-01-08 11:00)' WHERE room = 101 AND upper(during) = '2024-01-07 11:00';
SELECT room, during FROM booking WHERE room = 101 ORDER BY during;
UPDATE booking SET guests = guests * '[2,10)' WHERE guests IS NOT NULL;
SELECT room, guests, isempty(guests) FROM booking ORDER BY room, guests;
SELECT room, upper(during) - lower(during) AS stay FROM booking WHERE during IS NOT NULL ORDER BY room, stay;
INSERT INTO booking VALUES (104, '[2024-02-01,2024-01-01)', NULL);
DROP TABLE booking;
