import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The dashboard page; `npm run build` (from the repo root) writes it to dashboard/web/dist. */
const root = fileURLToPath(new URL('.', import.meta.url));
// Same variables as the centre's config (core/config.ts), for the dev server's proxy only.
const dashboard = `http://${process.env['HTTP_HOST'] ?? '127.0.0.1'}:${process.env['HTTP_PORT'] ?? '8080'}`;

export default defineConfig({
  root,
  base: '/',
  // No public/ folder: everything the page needs is bundled.
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    // `vite --config dashboard/web/vite.config.ts` during development: the API and the live
    // socket come from a running centre (HTTP_PORT, 8080 by default).
    proxy: {
      '/api': dashboard,
      '/ws': { target: dashboard, ws: true },
    },
  },
});
