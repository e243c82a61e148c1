import { z } from 'zod';

/**
 * A point in time. Services hand out Dates, which JSON carries as ISO 8601 text: the schema is
 * a date for the serializer and `string, date-time` in the OpenAPI document.
 */
export const timestamp = z.date();

/** One page of a list: pass `nextCursor` as `cursor` for the next one. */
export const page = <T extends z.ZodType>(item: T) =>
  z
    .object({
      items: z.array(item),
      nextCursor: z
        .string()
        .nullable()
        .describe('the cursor of the next page; null on the last page'),
    })
    .describe('One page of the list');

/** A list that is never paged (a work item's contacts, autocomplete suggestions). */
export const list = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item) }).describe('The whole list');
