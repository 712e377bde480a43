// Worker process entry. The parent watch comes first and the task modules only then, by a dynamic import: loading
// them takes long enough (~1 s from source) that a parent dying meanwhile must already end this process.
import { watchParent } from './parent-watch.ts';

watchParent();
await import('./worker-main.ts');
