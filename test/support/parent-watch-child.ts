// A process that watches its parent the way a worker in an Electron utility process does (polling its parent's
// pid), run by test/integration/workers/orphan.test.ts. argv[2] 'none' leaves the watch out (the control).
import { watchParent } from '../../main/workers/runtime/parent-watch.ts';

if (process.argv[2] !== 'none') watchParent({ link: 'parent-port', pollMs: 100 });
// Stands for the worker's heartbeat timer: without a watch, this alone keeps an orphan alive.
setInterval(() => {}, 1000);
process.stdout.write(`watching ${process.pid}\n`);
