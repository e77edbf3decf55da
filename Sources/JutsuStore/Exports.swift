// The libpq connection layer lives in JutsuPostgres (shared with the JutsuMarketData reader);
// the rest of the code base keeps importing JutsuStore alone.
@_exported import JutsuPostgres
