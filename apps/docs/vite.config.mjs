// `pnpm preview` serves the built docs site cross-origin isolated, as its `_headers` asks of static hosts:
// the playground pages it hosts then get SharedArrayBuffer and run backend-cpu on worker threads.
import { defineConfig } from 'vite';
import { ISOLATION_HEADERS } from '../playground/isolation.mjs';

export default defineConfig({ preview: { headers: ISOLATION_HEADERS } });
