import { InputError } from '@backstage/errors';
import { z } from 'zod';

/**
 * Validates request input with a zod schema; on failure throws an
 * `InputError` (400) that names every field that is wrong.
 *
 * @param what - what is being validated, e.g. `request body` or `query`
 */
export function parseInput<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues
      .map(i => `${i.path.join('.') || what}: ${i.message}`)
      .join('; ');
    throw new InputError(`Invalid ${what}: ${problems}`);
  }
  return result.data;
}
