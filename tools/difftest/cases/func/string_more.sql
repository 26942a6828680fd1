SELECT lpad('7', 3, '0') AS lp, rpad('ab', 4, '.') AS rp, initcap('hello world') AS ic;
SELECT split_part('a,b,c', ',', 2) AS sp, md5('abc') AS md5;
SELECT char_length('héllo') AS chars, octet_length('héllo') AS bytes;
SELECT ascii('A') AS a, chr(66) AS b, to_hex(255) AS h;
SELECT format('%s is %s', 'x', 42) AS f;
