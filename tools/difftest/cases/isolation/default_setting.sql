SHOW default_transaction_isolation;
SET default_transaction_isolation = 'repeatable read';
BEGIN;
SHOW transaction_isolation;
COMMIT;
RESET default_transaction_isolation;
SHOW default_transaction_isolation;
SET default_transaction_isolation = 'bogus';
