// Starts the render worker from the TypeScript sources (the bundled agent starts dist/render-worker.mjs instead).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
