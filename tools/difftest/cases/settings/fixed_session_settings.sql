SHOW TimeZone;
SHOW DateStyle;
SHOW IntervalStyle;
SHOW client_min_messages;
SHOW extra_float_digits;
SHOW server_encoding;
SHOW client_encoding;
SHOW lc_collate;
