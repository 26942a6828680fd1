-- pgbench -i (init steps dtgvp) at a tiny scale: the statements pgbench 15 sends, as captured
-- with log_statement=all; 20 accounts instead of 100000 per branch
drop table if exists pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers;
create table pgbench_history(tid int,bid int,aid    int,delta int,mtime timestamp,filler char(22));
create table pgbench_tellers(tid int not null,bid int,tbalance int,filler char(84)) with (fillfactor=100);
create table pgbench_accounts(aid    int not null,bid int,abalance int,filler char(84)) with (fillfactor=100);
create table pgbench_branches(bid int not null,bbalance int,filler char(88)) with (fillfactor=100);
begin;
truncate table pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers;
insert into pgbench_branches(bid,bbalance) values(1,0);
insert into pgbench_branches(bid,bbalance) values(2,0);
insert into pgbench_tellers(tid,bid,tbalance) values (1,1,0);
insert into pgbench_tellers(tid,bid,tbalance) values (2,1,0);
insert into pgbench_tellers(tid,bid,tbalance) values (3,2,0);
insert into pgbench_tellers(tid,bid,tbalance) values (4,2,0);
copy pgbench_accounts from stdin with (freeze on);
1	1	0	
2	1	0	
3	1	0	
4	1	0	
5	1	0	
6	1	0	
7	1	0	
8	1	0	
9	1	0	
10	1	0	
11	2	0	
12	2	0	
13	2	0	
14	2	0	
15	2	0	
16	2	0	
17	2	0	
18	2	0	
19	2	0	
20	2	0	
\.
commit;
vacuum analyze pgbench_branches;
vacuum analyze pgbench_tellers;
vacuum analyze pgbench_accounts;
vacuum analyze pgbench_history;
alter table pgbench_branches add primary key (bid);
alter table pgbench_tellers add primary key (tid);
alter table pgbench_accounts add primary key (aid);
select c.relname, i.indisprimary, i.indisunique, i.indnatts from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname like 'pgbench%' order by 1;
select c.relname, a.attname, a.attnotnull from pg_attribute a join pg_class c on c.oid = a.attrelid where c.relname in ('pgbench_branches', 'pgbench_tellers') and a.attnum > 0 order by c.relname, a.attnum;
select conname, contype, c.relname from pg_constraint k join pg_class c on c.oid = k.conrelid where conname like 'pgbench%' order by 1;
select aid, bid, abalance, filler is null as null_filler, octet_length(filler) from pgbench_accounts where aid in (1, 10, 11, 20) order by aid;
select bid, count(*), sum(abalance) from pgbench_accounts group by bid order by bid;
select relname, reltuples from pg_class where relname in ('pgbench_accounts', 'pgbench_branches', 'pgbench_tellers', 'pgbench_history') order by 1;
