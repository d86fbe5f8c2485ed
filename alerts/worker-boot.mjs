// The alerts worker's entry: Node runs a worker's first file without the main thread's
// TypeScript loader, so register tsx here, then load the worker proper.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
