// MAX_ENTRIES in contexts/lists/routes.ts, the most NIKs one import call takes. That
// module builds zod schemas at load, which would pull zod into the console's bundle;
// test/unit/admin-csv.test.ts checks that the two agree.
export const MAX_NIKS_PER_CALL = 10_000;
