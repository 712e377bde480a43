// Type-level tests of the IPC contract: a schema that drifts from its channel's declared input does not compile.
// tsc (`npx tsc --noEmit`) checks the `@ts-expect-error` lines; vitest runs the few runtime checks.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { Channel, Input } from '../../../preload/contract/channels.ts';
import {
  INPUT_SCHEMAS,
  type DriftingChannels,
  type InputSchema,
  type NoDrift,
} from '../../../preload/contract/schemas.ts';
import { importPayloadSchema } from '../../../main/imports/task.ts';

type Checked = { [C in Channel]: InputSchema<C> };

describe('IPC contract types', () => {
  it('every schema is exactly its channel input', () => {
    expectTypeOf<DriftingChannels>().toEqualTypeOf<never>();
    expectTypeOf<z.output<(typeof INPUT_SCHEMAS)['imports:start']>>().toEqualTypeOf<Input<'imports:start'>>();
  });

  it('refuses a schema that yields another type', () => {
    const wrong = { ...INPUT_SCHEMAS, 'jobs:get': z.object({ id: z.string() }).strict() };
    // @ts-expect-error jobs:get declares a numeric id
    const refused = wrong satisfies Checked;
    expect(Object.keys(refused)).toContain('jobs:get');
  });

  it('refuses a schema that accepts another type, even when it yields the right one', () => {
    const wrong = { ...INPUT_SCHEMAS, 'jobs:get': z.object({ id: z.string().transform(Number) }).strict() };
    // @ts-expect-error the renderer sends a number, the schema would want a string
    const refused = wrong satisfies Checked;
    expect(refused['jobs:get'].safeParse({ id: '1' }).success).toBe(true);
  });

  it('refuses a schema that drops an optional key or narrows a value (satisfies alone lets those through)', () => {
    const dropped = { ...INPUT_SCHEMAS, 'jobs:errors': z.object({ id: z.number() }).strict() };
    const narrowed = { ...INPUT_SCHEMAS, 'imports:start': z.object({ path: z.literal('/a.csv') }).strict() };
    expectTypeOf<DriftingChannels<typeof dropped>>().toEqualTypeOf<'jobs:errors'>();
    expectTypeOf<DriftingChannels<typeof narrowed>>().toEqualTypeOf<'imports:start'>();
    // @ts-expect-error NoDrift names the drifting channel
    type _Refused = NoDrift<DriftingChannels<typeof dropped>>;
    // What would go wrong at run time: calls the declared type allows are refused.
    expect(dropped['jobs:errors'].safeParse({ id: 1, limit: 5 }).success).toBe(false);
    expect(narrowed['imports:start'].safeParse({ path: '/b.csv' }).success).toBe(false);
  });

  it('the import job payload checks a mapping with the IPC request schema', () => {
    const req = { path: '/in.csv', mapping: { Cost: 'cost', Notes: 'ignore' }, decimal: ',' };
    expect(INPUT_SCHEMAS['imports:start'].safeParse(req).success).toBe(true);
    expect(importPayloadSchema.safeParse(req).success).toBe(true);
    for (const bad of [
      { ...req, mapping: { Cost: 'price_usd' } },
      { ...req, mapping: { '': 'cost' } },
    ]) {
      expect(INPUT_SCHEMAS['imports:start'].safeParse(bad).success).toBe(false);
      expect(importPayloadSchema.safeParse(bad).success).toBe(false);
    }
    // The window may not add keys; a stored job payload may carry options of its own.
    expect(INPUT_SCHEMAS['imports:start'].safeParse({ ...req, lookupAfter: false }).success).toBe(false);
    expect(importPayloadSchema.safeParse({ ...req, lookupAfter: false }).success).toBe(true);
  });
});
