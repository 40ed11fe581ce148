/**
 * SQL writing a timestamp column as `Date#toISOString` does, for answers PostgreSQL builds itself:
 * the same text as the app's own mapping of a row read through pg, which also cuts to milliseconds.
 */
export const isoTime = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
