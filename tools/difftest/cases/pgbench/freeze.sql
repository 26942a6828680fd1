-- COPY ... WITH (FREEZE ON): only for a table created or truncated in the current subtransaction
create table f (a int, b text);
copy f from stdin with (freeze on);
1	x
\.
begin;
copy f from stdin with (freeze);
1	x
\.
rollback;
begin;
truncate f;
copy f from stdin (freeze on);
1	x
2	y
\.
select * from f order by a;
commit;
select * from f order by a;
begin;
create table g (a int);
savepoint s;
copy g from stdin (freeze);
1
\.
rollback;
begin;
create table g (a int);
savepoint s;
truncate g;
copy g from stdin (freeze);
1
\.
release savepoint s;
copy g from stdin (freeze);
2
\.
commit;
select * from g order by a;
begin;
truncate g;
savepoint s;
copy g from stdin (freeze true);
3
\.
rollback to savepoint s;
copy g from stdin (freeze false);
4
\.
commit;
select * from g order by a;
begin;
truncate g;
savepoint s;
truncate g;
rollback to savepoint s;
copy g from stdin (freeze);
5
\.
commit;
select * from g order by a;
copy g from stdin (freeze on, freeze off);
\.
copy f to stdout (freeze);
drop table f, g;
