import {
  ERROR_CODES,
  type Channel,
  type ErrorCode,
  type Input,
  type Output,
  type Result,
} from '../../preload/contract/channels.ts';
import { INPUT_SCHEMAS, MAX_PAYLOAD_CHARS, type InputSchema } from '../../preload/contract/schemas.ts';
import { isTrustedSender, type SenderInfo } from '../security/sender.ts';
import { describeInvalidInput, inputErrorMap } from './input-errors.ts';

/** An error a handler throws on purpose, with the code the renderer sees. */
export class IpcError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IpcError';
  }
}

/** Every channel must have a handler, given its input as the channel's schema parsed it: exhaustive by type. */
export type Handlers = { [C in Channel]: (input: Input<C>) => Promise<Output<C>> | Output<C> };

export interface RouterOptions {
  handlers: Handlers;
  appOrigin: string;
  /** Maps domain errors to codes; unmapped errors become INTERNAL with a generic message. */
  classify?: (err: unknown) => { code: ErrorCode; message: string } | null;
  onInternalError?: (channel: string, err: unknown) => void;
}

const fail = (code: ErrorCode, message: string): Result<never> => ({ ok: false, error: { code, message } });

// Indexed by a generic channel, this map keeps schema, parsed input and handler of the same channel together.
const SCHEMAS: { [C in Channel]: InputSchema<C> } = INPUT_SCHEMAS;

/** The one entry for every IPC call: checks the sender, bounds and validates the payload, maps errors to codes. */
export function createRouter(opts: RouterOptions) {
  const channels = new Set<string>(Object.keys(SCHEMAS));
  const isChannel = (c: unknown): c is Channel => typeof c === 'string' && channels.has(c);
  async function dispatch<C extends Channel>(channel: C, payload: unknown): Promise<Result<Output<C>>> {
    const parsed = SCHEMAS[channel].safeParse(payload, { error: inputErrorMap });
    if (!parsed.success) return fail('INVALID_INPUT', describeInvalidInput(parsed.error));
    try {
      return { ok: true, value: await opts.handlers[channel](parsed.data) };
    } catch (err) {
      if (err instanceof IpcError) return fail(err.code, err.message);
      const mapped = opts.classify?.(err);
      if (mapped && ERROR_CODES.includes(mapped.code)) return fail(mapped.code, mapped.message);
      opts.onInternalError?.(channel, err);
      return fail('INTERNAL', 'Something went wrong in Pallet; the details are in the log.');
    }
  }
  return {
    channels: [...channels] as Channel[],
    async handle(channel: unknown, payload: unknown, sender: SenderInfo): Promise<Result<unknown>> {
      if (!isTrustedSender(sender, opts.appOrigin)) return fail('FORBIDDEN', 'This frame may not call Pallet.');
      if (!isChannel(channel)) return fail('UNKNOWN_CHANNEL', `Unknown channel "${String(channel).slice(0, 100)}".`);
      let size: number;
      try {
        size = payload === undefined ? 0 : JSON.stringify(payload).length;
      } catch {
        return fail('INVALID_INPUT', 'The request is not plain data.');
      }
      if (size > MAX_PAYLOAD_CHARS)
        return fail('INVALID_INPUT', `The request is too large (${size} characters; at most ${MAX_PAYLOAD_CHARS}).`);
      return dispatch(channel, payload);
    },
  };
}
export type Router = ReturnType<typeof createRouter>;
