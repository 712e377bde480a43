#!/usr/bin/env node
// The `pallet` command: the same engine and database as the app, under plain Node.
import { runCli } from './run.ts';

const code = await runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
});
process.exitCode = code;
