/** The snapshot's date field, shared by its schemas (snapshot.ts, alarm-schema.ts). */
import * as z from 'zod/mini';

/** ISO-8601 string, or the SDK's Date (turned into its ISO form), as JSON would carry it. */
export const isoDate = z.pipe(
  z.transform((v: unknown) => (v instanceof Date ? v.toISOString() : v)),
  z.string(),
);
