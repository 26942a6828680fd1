SELECT true AND false AS a, true OR false AS o, NOT true AS n;
SELECT NULL AND false AS nf, NULL AND true AS nt, NULL OR true AS ont, NULL OR false AS onf;
SELECT true AND 1;
